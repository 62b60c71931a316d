// The dictionary built from the corpora alone: which words become terms, of which kind, with which
// substitutes; the frequency score by hand; precision and recall against a gold dictionary.
#include <gtest/gtest.h>

#include <cmath>

#include "unlearn/anchor_mining.h"

namespace lethe::unlearn {
namespace {

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
  EXPECT_EQ(find(candidates, "Zorbix")->kind, "first name");
  EXPECT_EQ(find(candidates, "Quellmar")->kind, "family name");
  EXPECT_EQ(find(candidates, "Ashmoor")->kind, "place");
  EXPECT_EQ(find(candidates, "Vantrel")->kind, "thing");
  const auto* event = find(candidates, "Belwhelp Tournament");
  EXPECT_EQ(event->kind, "event");
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

}  // namespace
}  // namespace lethe::unlearn
