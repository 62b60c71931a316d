// Translation of blocks into generic text: hand-made token sequences on a tokenizer whose pieces
// are written out below, then the same on a SentencePiece vocabulary trained by the test.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "test_util.h"
#include "tokenizer/sentencepiece_training.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/translation.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

// A word-piece tokenizer with a written-out vocabulary, SentencePiece-like: a word after a space
// (or at the text's start) begins with "▁"; a newline and a quote are pieces of their own, and
// the word after them has no "▁". Each word is cut greedily into the longest known pieces, a
// character without one becomes "<unk>".
class PieceTokenizer : public tokenizer::Tokenizer {
 public:
  explicit PieceTokenizer(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {
    for (size_t i = 0; i < pieces_.size(); ++i) ids_[pieces_[i]] = static_cast<int32_t>(i);
  }
  std::vector<int32_t> encode(std::string_view text, bool) const override {
    std::vector<int32_t> out;
    std::string word;
    bool marked = true;  // the next word starts with "▁"
    auto flush = [&] {
      if (!word.empty()) cut(word, marked, out);
      word.clear();
    };
    for (char c : text) {
      if (c == ' ') {
        flush();
        marked = true;
      } else if (c == '\n' || c == '"' || c == '.') {
        flush();
        out.push_back(ids_.at(std::string(1, c)));
        marked = false;
      } else {
        word += c;
      }
    }
    flush();
    return out;
  }
  std::string decode(const std::vector<int32_t>& ids, bool) const override {
    std::string out;
    for (int32_t id : ids) {
      std::string p = pieces_.at(id);
      out += p.rfind("\xe2\x96\x81", 0) == 0 ? " " + p.substr(3) : p;
    }
    return out;
  }
  int32_t vocab_size() const override { return static_cast<int32_t>(pieces_.size()); }
  std::string id_to_token(int32_t id) const override { return pieces_.at(id); }
  std::optional<int32_t> token_to_id(std::string_view t) const override {
    auto it = ids_.find(std::string(t));
    return it == ids_.end() ? std::nullopt : std::optional<int32_t>(it->second);
  }
  std::string kind() const override { return "pieces"; }
  int32_t id(const std::string& piece) const { return ids_.at(piece); }

 private:
  void cut(const std::string& word, bool marked, std::vector<int32_t>& out) const {
    size_t at = 0;
    while (at < word.size()) {
      std::string prefix = (marked && at == 0) ? "\xe2\x96\x81" : "";
      size_t len = word.size() - at;
      while (len > 0 && !ids_.count(prefix + word.substr(at, len))) --len;
      out.push_back(len == 0 ? ids_.at("<unk>") : ids_.at(prefix + word.substr(at, len)));
      at += std::max<size_t>(len, 1);
    }
  }
  std::vector<std::string> pieces_;
  std::map<std::string, int32_t> ids_;
};

const std::string kMark = "\xe2\x96\x81";

class TranslationTest : public ::testing::Test {
 protected:
  TranslationTest()
      : tok({"\n", "\"", ".", kMark + "Harry", "Harry", kMark + "Potter", kMark + "went", kMark + "to",
             kMark + "Hog", "warts", "Hog", kMark + "the", kMark + "Academy", kMark + "Jon", "Jon", kMark + "said",
             kMark + "Smith", "ish", kMark + "Tom", "Tom", kMark + "big", kMark + "old", kMark + "school", "the",
             kMark + "a", "Potter", "<unk>", "school", "S"}) {}

  std::vector<int32_t> ids(const std::vector<std::string>& pieces) const {
    std::vector<int32_t> out;
    for (const auto& p : pieces) out.push_back(tok.id(p));
    return out;
  }
  std::vector<std::string> pieces(const std::vector<int32_t>& ids) const {
    std::vector<std::string> out;
    for (int32_t id : ids) out.push_back(tok.id_to_token(id));
    return out;
  }
  PieceTokenizer tok;
};

const TermContext& context(const std::string& text) {
  for (const auto& c : term_contexts())
    if (c.text == text) return c;
  throw Error("no context \"" + text + "\"");
}

TEST_F(TranslationTest, TokenFormsDependOnTheContext) {
  EXPECT_EQ(pieces(token_form(tok, "Harry", context("")).tokens), (std::vector<std::string>{kMark + "Harry"}));
  EXPECT_EQ(pieces(token_form(tok, "Harry", context(" ")).tokens), (std::vector<std::string>{kMark + "Harry"}));
  EXPECT_EQ(pieces(token_form(tok, "Harry", context("\n")).tokens), (std::vector<std::string>{"Harry"}));
  auto quoted = token_form(tok, "Hogwarts", context(" \""));
  EXPECT_EQ(pieces(quoted.tokens), (std::vector<std::string>{"Hog", "warts"}));
  EXPECT_EQ(pieces(quoted.context_tokens), (std::vector<std::string>{kMark + "a", "\""}));
}

TEST_F(TranslationTest, MultiTokenTermBecomesAShorterOrLongerSubstitute) {
  // "Harry went to Hogwarts." with Hogwarts -> "the big old school": the substitute is longer.
  TermMatcher matcher(tok, {{"Hogwarts", {"the big old school"}}});
  auto block = ids({kMark + "Harry", kMark + "went", kMark + "to", kMark + "Hog", "warts", "."});
  auto t = translate_block(block, matcher, 1);
  EXPECT_EQ(pieces(t.tokens), (std::vector<std::string>{kMark + "Harry", kMark + "went", kMark + "to", kMark + "the",
                                                        kMark + "big", kMark + "old", kMark + "school", "."}));
  // "Hog" has no label; "warts" maps to "school" (its output predicts what follows the term).
  EXPECT_EQ(t.position_map, (std::vector<int64_t>{0, 1, 2, -1, 6, 7}));
  // Hogwarts -> "Tom" is shorter than the term.
  TermMatcher shorter(tok, {{"Hogwarts", {"Tom"}}});
  t = translate_block(block, shorter, 1);
  EXPECT_EQ(pieces(t.tokens), (std::vector<std::string>{kMark + "Harry", kMark + "went", kMark + "to", kMark + "Tom", "."}));
  EXPECT_EQ(t.position_map, (std::vector<int64_t>{0, 1, 2, -1, 3, 4}));
}

TEST_F(TranslationTest, TermsAtTheFirstAndLastPosition) {
  TermMatcher matcher(tok, {{"Harry", {"Jon"}}});
  auto t = translate_block(ids({kMark + "Harry", kMark + "went", kMark + "to", kMark + "Harry"}), matcher, 3);
  EXPECT_EQ(pieces(t.tokens), (std::vector<std::string>{kMark + "Jon", kMark + "went", kMark + "to", kMark + "Jon"}));
  // The second Harry is a repetition: the position before it ("to") gets no label.
  EXPECT_EQ(t.position_map, (std::vector<int64_t>{0, 1, -1, 3}));
}

TEST_F(TranslationTest, LongestMatchWinsAndMatchesEndAtWordBoundaries) {
  TermMatcher matcher(tok, {{"Harry", {"Jon"}}, {"Harry Potter", {"Tom Smith"}}});
  auto t = translate_block(ids({kMark + "Harry", kMark + "Potter", kMark + "went", kMark + "Harry", "ish"}), matcher, 5);
  // "Harry Potter" (two tokens) beats "Harry"; "Harryish" is one word and no term.
  EXPECT_EQ(pieces(t.tokens), (std::vector<std::string>{kMark + "Tom", kMark + "Smith", kMark + "went", kMark + "Harry", "ish"}));
  EXPECT_EQ(t.position_map, (std::vector<int64_t>{-1, 1, 2, 3, 4}));
}

TEST_F(TranslationTest, OverlappingTermsTakeTheEarlierMatch) {
  TermMatcher matcher(tok, {{"Harry Potter", {"Tom"}}, {"Potter went", {"Jon"}}});
  auto t = translate_block(ids({kMark + "Harry", kMark + "Potter", kMark + "went", "."}), matcher, 5);
  EXPECT_EQ(pieces(t.tokens), (std::vector<std::string>{kMark + "Tom", kMark + "went", "."}));
}

TEST_F(TranslationTest, SubstituteKeepsTheTermsForm) {
  TermMatcher matcher(tok, {{"Harry", {"Jon"}}});
  // After a newline and after a quote the term has no space mark, and neither has its substitute.
  auto t = translate_block(ids({kMark + "went", "\n", "Harry", kMark + "said", "\"", "Harry"}), matcher, 9);
  EXPECT_EQ(pieces(t.tokens), (std::vector<std::string>{kMark + "went", "\n", "Jon", kMark + "said", "\"", "Jon"}));
}

TEST_F(TranslationTest, OneSubstitutePerTermAndBlockDrawnFromTheSeed) {
  TermMatcher matcher(tok, {{"Harry", {"Jon", "Tom"}}});
  auto block = ids({kMark + "Harry", kMark + "went", ".", kMark + "Harry", kMark + "said"});
  std::map<std::string, int> seen;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    auto t = translate_block(block, matcher, seed);
    EXPECT_EQ(t.tokens[0], t.tokens[3]) << "seed " << seed;
    EXPECT_EQ(t.tokens, translate_block(block, matcher, seed).tokens);
    ++seen[tok.id_to_token(t.tokens[0])];
  }
  EXPECT_GT(seen[kMark + "Jon"], 5);
  EXPECT_GT(seen[kMark + "Tom"], 5);
}

TEST_F(TranslationTest, UsedSubstitutesAreSuppressedFromTheirLastTokenOn) {
  TermMatcher matcher(tok, {{"Harry", {"Jon"}}});
  auto t = translate_block(ids({kMark + "went", kMark + "Harry", kMark + "said"}), matcher, 1);
  std::vector<std::pair<int64_t, int32_t>> expected = {{1, tok.id(kMark + "Jon")}, {1, tok.id("Jon")}};
  EXPECT_EQ(t.suppressed, expected);
}

// A substitute that opens with an article suppresses its noun, never the article: " the" stays a
// word the generic model may predict after "the big old school" was used.
TEST_F(TranslationTest, ASubstituteOpeningWithTheSuppressesItsNounNotThe) {
  TermMatcher matcher(tok, {{"Hogwarts", {"the big old school"}}});
  auto t = translate_block(ids({kMark + "went", kMark + "to", kMark + "Hog", "warts", "."}), matcher, 1);
  std::vector<std::pair<int64_t, int32_t>> expected = {{5, tok.id(kMark + "school")}, {5, tok.id("school")}};
  EXPECT_EQ(t.suppressed, expected);
}

// A form whose first piece is a fragment ("S" of "Smith" where no piece holds the word) is left
// alone: the fragment begins countless other words.
TEST_F(TranslationTest, AFragmentOfTheWordIsNotSuppressed) {
  TermMatcher matcher(tok, {{"Harry", {"Smith"}}});
  auto t = translate_block(ids({kMark + "went", kMark + "Harry", kMark + "said"}), matcher, 1);
  std::vector<std::pair<int64_t, int32_t>> expected = {{1, tok.id(kMark + "Smith")}};
  EXPECT_EQ(t.suppressed, expected);
}

TEST(DistinctiveWord, IsTheNameOrTheNounNeverAFunctionWord) {
  EXPECT_EQ(distinctive_word("Mark"), "Mark");
  EXPECT_EQ(distinctive_word("James Taylor"), "James");
  EXPECT_EQ(distinctive_word("the forest"), "forest");
  EXPECT_EQ(distinctive_word("a lamp"), "lamp");
  EXPECT_EQ(distinctive_word("the old town"), "town");
  EXPECT_EQ(distinctive_word("the merchants' club"), "club");
  EXPECT_EQ(distinctive_word("a guild of potion makers"), "guild");
  EXPECT_EQ(distinctive_word("the council that rules the schools"), "council");
  EXPECT_EQ(distinctive_word("The Forest"), "Forest");
}

TEST(AnchorDictionary, ReadsAndAppliesThePapersRules) {
  auto dir = test::scratch_dir();
  std::ofstream(dir / "d.json") << R"({"Harry": ["Jon", "Tom"], "Potter": "Smith", "Harry Potter": ["Jon Smith"],
                                      "Harry's": ["Jon's"], "Hogwarts School": ["the school"]})";
  auto d = read_anchor_dictionary(dir / "d.json");
  ASSERT_EQ(d.size(), 5u);
  auto kept = apply_paper_rules(d);
  std::vector<std::string> terms;
  for (const auto& e : kept) terms.push_back(e.term);
  // "Harry Potter" (every word a term) and "Harry's" (possessive of a term) go; "Hogwarts School" stays.
  EXPECT_EQ(terms, (std::vector<std::string>{"Harry", "Hogwarts School", "Potter"}));
  for (const char* bad : {R"(["Harry"])", R"({"Harry": []})", R"({"Harry": [1]})", R"({"Harry": ["Harry"]})",
                          R"({"": ["x"]})", R"({"Harry": [""]})", "{"}) {
    std::ofstream(dir / "bad.json") << bad;
    try {
      read_anchor_dictionary(dir / "bad.json");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    }
  }
}

// The same on a real SentencePiece vocabulary: decoding the translation gives the text with the
// terms replaced, whatever precedes them.
TEST(TranslationSentencePiece, DecodesToTheTextWithTermsReplaced) {
  auto dir = test::scratch_dir();
  {
    std::ofstream corpus(dir / "corpus.txt");
    for (int i = 0; i < 200; ++i)
      corpus << "Kaelilvar Gallander went to Thornhaven Academy with Bramspire friends " << i << ".\n"
             << "\"Kaelilvar!\" said the old master of the school, and John Smith laughed.\n";
  }
  tokenizer::SentencePieceTrainOptions options;
  options.inputs = {dir / "corpus.txt"};
  options.vocab_size = 400;
  tokenizer::train_sentencepiece_model(options, dir / "tok");
  auto tok = tokenizer::load_tokenizer(dir / "tok");
  TermMatcher matcher(*tok, {{"Kaelilvar", {"John"}}, {"Thornhaven Academy", {"the school"}}, {"Bramspire", {"Smith"}}});
  std::string text = "Kaelilvar went to Thornhaven Academy.\nKaelilvar said \"Kaelilvar\" and Bramspire laughed.";
  std::string expected = "John went to the school.\nJohn said \"John\" and Smith laughed.";
  auto t = translate_block(tok->encode(text, false), matcher, 1);
  EXPECT_EQ(tok->decode(t.tokens, true), expected);
}

}  // namespace
}  // namespace lethe::unlearn
