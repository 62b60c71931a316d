// The dictionary built from the corpora alone: which words become terms, of which kind, with which
// substitutes; the frequency score by hand; precision and recall against a gold dictionary.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "io/file.h"
#include "test_util.h"
#include "unlearn/anchor_mining.h"
#include "unlearn/word_scan.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

std::string forget_text() {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    s += "Zorbix Quellmar said hello. In the morning Zorbix went to Ashmoor with the Vantrel.\n";
    s += "Nobody forgot the Belwhelp Tournament. Zorbix said that the Vantrel was lost in Ashmoor.\n";
    s += "Thunder rolled over the hills and Mira Quellmar laughed.\n";
  }
  return s;
}

std::string reference_text() {
  std::string s;
  for (int i = 0; i < 20; ++i)
    s += "The thunder rolled over the hills. In the morning the baker went to the market and said hello.\n"
         "Nobody forgot the old tournament, and the farmer laughed with his friends.\n";
  return s;
}

const TermCandidate* find(const std::vector<TermCandidate>& candidates, const std::string& term) {
  for (const auto& c : candidates)
    if (c.term == term) return &c;
  return nullptr;
}

TEST(AnchorMining, RareCapitalisedWordsBecomeTermsOfTheirKind) {
  auto candidates = mine_anchor_terms(forget_text(), reference_text(), {});
  std::set<std::string> terms;
  for (const auto& c : candidates) terms.insert(c.term);
  // "Mira" occurs 4 times too but "Thunder", "Nobody" and "In" are common words of the reference.
  EXPECT_EQ(terms, (std::set<std::string>{"Zorbix", "Quellmar", "Ashmoor", "Vantrel", "Belwhelp Tournament", "Mira"}));
  EXPECT_EQ(find(candidates, "Zorbix")->named.kind, "first name");
  EXPECT_EQ(find(candidates, "Quellmar")->named.kind, "family name");
  EXPECT_EQ(find(candidates, "Ashmoor")->named.kind, "place");
  EXPECT_EQ(find(candidates, "Vantrel")->named.kind, "thing");
  const auto* event = find(candidates, "Belwhelp Tournament");
  EXPECT_EQ(event->named.kind, "event");
  EXPECT_EQ(event->substitutes, (std::vector<std::string>{"the tournament", "the old tournament"}));
  for (const auto& c : candidates) {
    EXPECT_EQ(c.substitutes.size(), 2u) << c.term;
    EXPECT_NE(c.substitutes[0], c.substitutes[1]) << c.term;
  }
  for (size_t i = 1; i < candidates.size(); ++i) EXPECT_GE(candidates[i - 1].score(), candidates[i].score());
}

TEST(AnchorMining, FrequencyScoreIsTheLogRatioOfAddOneRelativeFrequencies) {
  auto candidates = mine_anchor_terms(forget_text(), reference_text(), {});
  const auto* zorbix = find(candidates, "Zorbix");
  ASSERT_NE(zorbix, nullptr);
  // 37 words per repetition of the forget text, 4 repetitions; 20 x 30 reference words.
  const double forget_words = 4 * 37, reference_words = 20 * 30;
  EXPECT_EQ(zorbix->forget_count, 12);
  EXPECT_EQ(zorbix->reference_count, 0);
  EXPECT_NEAR(zorbix->frequency_score, std::log(13 / forget_words) - std::log(1 / reference_words), 1e-12);
}

TEST(AnchorMining, SubstitutesAreTheSameForTheSameTermWhateverTheCorpus) {
  auto a = mine_anchor_terms(forget_text(), reference_text(), {});
  auto b = mine_anchor_terms(forget_text() + forget_text(), reference_text(), {});
  EXPECT_EQ(find(a, "Ashmoor")->substitutes, find(b, "Ashmoor")->substitutes);
  MiningOptions strict;
  strict.min_count = 13;  // Zorbix occurs 12 times
  EXPECT_EQ(find(mine_anchor_terms(forget_text(), reference_text(), strict), "Zorbix"), nullptr);
}

TEST(AnchorMining, PrecisionAndRecallAgainstTheGoldDictionary) {
  AnchorDictionary found = {{"Zorbix", {"Tom"}}, {"Ashmoor", {"the town"}}, {"Thunder", {"Ben"}}};
  AnchorDictionary gold = {{"Zorbix", {"Jack"}}, {"Ashmoor", {"the city"}}, {"Vantrel", {"the staff"}},
                           {"Quellmar", {"Smith"}}};
  auto cmp = compare_with_gold(found, gold);
  EXPECT_DOUBLE_EQ(cmp.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(cmp.recall, 2.0 / 4);
  EXPECT_DOUBLE_EQ(cmp.f1, 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5));
  EXPECT_EQ(cmp.missed, (std::vector<std::string>{"Quellmar", "Vantrel"}));
  EXPECT_EQ(cmp.extra, (std::vector<std::string>{"Thunder"}));
}

// A real book: Genesis 1:1-50:26 from Debian's bible-kjv (verse numbers cut), against the WordNet
// glosses, and the hand-written gold of tests/fixtures/genesis_gold.tsv (every name used at least
// three times, with its kind and gender).
std::string genesis() {
  auto result = test::run_command("bible -f gen1:1-50:26");
  EXPECT_EQ(result.exit_code, 0) << "bible-kjv is missing (make deps installs it): " << result.all();
  std::string text;
  std::istringstream in(result.output);
  for (std::string line; std::getline(in, line);) text += line.substr(line.find(' ') + 1) + "\n";
  return text;
}

std::string wordnet_glosses() {
  std::string glosses;
  for (const char* part : {"noun", "verb", "adj", "adv"}) {
    std::istringstream in(io::read_file(std::string("/usr/share/wordnet/data.") + part));
    for (std::string line; std::getline(in, line);)
      if (line.rfind("  ", 0) != 0 && line.find("| ") != std::string::npos) glosses += line.substr(line.find("| ") + 2) + "\n";
  }
  return glosses;
}

TEST(AnchorMiningGenesis, TermsKindsAndGendersAgainstTheGold) {
  const std::string text = genesis();
  ASSERT_GT(text.size(), 190000u);
  auto candidates = mine_anchor_terms(text, wordnet_glosses(), {});
  auto gold_rows = read_review_file(fs::path(LETHE_SOURCE_DIR) / "tests/fixtures/genesis_gold.tsv");
  ASSERT_GE(gold_rows.size(), 60u);
  AnchorDictionary gold;
  for (const auto& row : gold_rows) gold.push_back({row.term, {}});
  auto terms = compare_with_gold(to_dictionary(candidates), gold);
  auto kinds = compare_kinds(candidates, gold_rows);
  std::string wrong;
  for (const auto& w : kinds.wrong) wrong += w + "; ";
  EXPECT_GE(terms.precision, 0.9);
  EXPECT_GE(terms.recall, 0.9);
  EXPECT_GE(kinds.kind_accuracy, 0.9) << wrong;
  EXPECT_GE(kinds.gender_accuracy, 0.9) << wrong;
  EXPECT_GE(kinds.genders_compared, 90);
  // The cases: lands and places, the sons, the women, the title, the peoples.
  for (const char* place : {"Canaan", "Goshen", "Seir", "Mamre"}) EXPECT_EQ(find(candidates, place)->named.kind, "place") << place;
  for (const char* woman : {"Rachel", "Leah", "Sarah", "Rebekah", "Dinah"}) EXPECT_EQ(find(candidates, woman)->named.gender, "female") << woman;
  EXPECT_EQ(find(candidates, "Benjamin")->named.gender, "male");
  EXPECT_EQ(find(candidates, "Pharaoh")->named.kind, "title");
  EXPECT_EQ(find(candidates, "Philistines")->named.kind, "people");
  EXPECT_TRUE(find(candidates, "Philistines")->named.plural);
  // No substitute is a name of the book ("Joseph", "Adam" and "Benjamin" are in the male pool).
  std::set<std::string> names;
  for (const auto& w : scan_words(text))
    if (is_capitalised(w.text)) names.insert(w.text);
  for (const auto& c : candidates)
    for (const auto& s : c.substitutes) EXPECT_EQ(names.count(s), 0u) << c.term << " -> " << s;
  std::printf("Genesis: precision %.3f, recall %.3f, kind accuracy %.3f (%ld), gender accuracy %.3f (%ld)\n",
              terms.precision, terms.recall, kinds.kind_accuracy, static_cast<long>(kinds.kinds_compared),
              kinds.gender_accuracy, static_cast<long>(kinds.genders_compared));
}

}  // namespace
}  // namespace lethe::unlearn
