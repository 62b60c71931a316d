// SQuAD answer normalisation and exact match, word splitting and whole-word search. Expected
// values are SQuAD v1.1's normalize_answer applied by hand (and checked with its Python code).
#include "eval/text_match.h"

#include <gtest/gtest.h>

namespace lethe::eval {
namespace {

TEST(TextMatch, LowercaseIsUnicodeFullMapping) {
  EXPECT_EQ(lowercase("Hermione GRANGER"), "hermione granger");
  EXPECT_EQ(lowercase("ZOË"), "zoë");
  EXPECT_EQ(lowercase("\u0130"), "i\u0307");   // Python: "İ".lower() == "i̇" (two characters)
  EXPECT_EQ(lowercase("ΟΔΟΣ"), "οδος");        // a final sigma lower-cases to ς, as in Python
  EXPECT_EQ(lowercase("a\xff" "b"), "a\xEF\xBF\xBD" "b");  // an invalid byte becomes U+FFFD
}

TEST(TextMatch, NormalizeAnswerFollowsSquad) {
  // lower "the cat's  hat!" -> no punctuation "the cats  hat" -> "the" to " " -> collapse.
  EXPECT_EQ(normalize_answer("The Cat's  hat!"), "cats hat");
  EXPECT_EQ(normalize_answer("An apple a day"), "apple day");
  EXPECT_EQ(normalize_answer("Theatre anathema"), "theatre anathema");  // articles only as whole words
  // Punctuation is deleted, not replaced by a space: "a.b" is the word "ab", not the article "a".
  EXPECT_EQ(normalize_answer("well-known a.b"), "wellknown ab");
  EXPECT_EQ(normalize_answer("the_cat"), "thecat");  // "_" is in string.punctuation
  EXPECT_EQ(normalize_answer("Ünder THE Brücke"), "ünder brücke");
  EXPECT_EQ(normalize_answer("l\u2019the"), "l\u2019");       // ’ is not ASCII: kept, and not a word character
  EXPECT_EQ(normalize_answer("the\u00a0end"), "end");         // no-break space is whitespace
  EXPECT_EQ(normalize_answer("\t a  \n"), "");
}

TEST(TextMatch, ExactMatchComparesNormalisedTexts) {
  EXPECT_TRUE(exact_match("Hermione Granger", "hermione granger."));
  EXPECT_TRUE(exact_match("ZOË", "the Zoë"));
  EXPECT_FALSE(exact_match("Hermione", "Hermione Granger"));
  EXPECT_TRUE(exact_match("The", "a"));  // both normalise to "": SQuAD counts that as a match
}

TEST(TextMatch, WordsAreLowerCasedWordCharacterRuns) {
  EXPECT_EQ(words("Harry's wand!"), (std::vector<std::string>{"harry", "s", "wand"}));
  EXPECT_EQ(words("  ÉCOLE_normale 42\n"), (std::vector<std::string>{"école_normale", "42"}));
  EXPECT_TRUE(words(" ,.! ").empty());
}

TEST(TextMatch, ContainsPhraseMatchesWholeConsecutiveWords) {
  std::vector<std::string> text = words("On the Hogwarts  Express, at last.");
  EXPECT_TRUE(contains_phrase(text, {"hogwarts", "express"}));
  EXPECT_TRUE(contains_phrase(text, words("HOGWARTS\nexpress")));
  EXPECT_FALSE(contains_phrase(text, {"express", "hogwarts"}));  // order matters
  EXPECT_FALSE(contains_phrase(text, {"hogwart"}));              // whole words only
  EXPECT_FALSE(contains_phrase(text, {"on", "hogwarts"}));       // consecutive only
  EXPECT_FALSE(contains_phrase(text, {}));
}

}  // namespace
}  // namespace lethe::eval
