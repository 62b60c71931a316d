// ROUGE-L against hand-counted longest common subsequences, with rouge_score's tokenizer.
#include "eval/rouge.h"

#include <gtest/gtest.h>

namespace lethe::eval {
namespace {

TEST(Rouge, TokensAreLowerCasedAsciiAlphanumericRuns) {
  EXPECT_EQ(rouge_tokens("Zoë's 2nd-year"), (std::vector<std::string>{"zo", "s", "2nd", "year"}));
  EXPECT_EQ(rouge_tokens("\u212Aelvin"), (std::vector<std::string>{"kelvin"}));  // Kelvin sign lower-cases to k
  EXPECT_EQ(rouge_tokens("\u0130stanbul"), (std::vector<std::string>{"i", "stanbul"}));  // "i" + U+0307 + ...
  EXPECT_TRUE(rouge_tokens("¡¿ — !").empty());
}

TEST(Rouge, LongestCommonSubsequence) {
  // The textbook pair: ABCBDAB and BDCABA share BCBA (length 4), no longer.
  std::vector<std::string> a = {"a", "b", "c", "b", "d", "a", "b"};
  std::vector<std::string> b = {"b", "d", "c", "a", "b", "a"};
  EXPECT_EQ(longest_common_subsequence(a, b), 4u);
  EXPECT_EQ(longest_common_subsequence(b, a), 4u);
  EXPECT_EQ(longest_common_subsequence(a, {}), 0u);
}

TEST(Rouge, PrecisionRecallAndF1) {
  // prediction: the cat sat on the mat (6); reference: the cat is on the mat (6);
  // LCS = the cat on the mat (5): P = R = F = 5/6.
  RougeScore s = rouge_l("The cat sat on the mat.", "the cat is on the mat");
  EXPECT_DOUBLE_EQ(s.precision, 5.0 / 6);
  EXPECT_DOUBLE_EQ(s.recall, 5.0 / 6);
  EXPECT_DOUBLE_EQ(s.f1, 5.0 / 6);

  // prediction: harry potter went to hogwarts (5); reference: potter harry hogwarts (3);
  // LCS = "potter hogwarts" (2): P = 2/5, R = 2/3, F = 2 (2/5)(2/3) / (2/5 + 2/3) = (8/15)/(16/15) = 1/2.
  s = rouge_l("Harry Potter went to Hogwarts", "Potter, Harry: Hogwarts");
  EXPECT_DOUBLE_EQ(s.precision, 0.4);
  EXPECT_DOUBLE_EQ(s.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(s.f1, 0.5);

  s = rouge_l("Hello, WORLD!", "hello world");
  EXPECT_DOUBLE_EQ(s.f1, 1.0);
}

TEST(Rouge, NoCommonOrNoTokensScoresZero) {
  RougeScore s = rouge_l("alpha beta", "gamma");
  EXPECT_EQ(s.precision, 0.0);
  EXPECT_EQ(s.recall, 0.0);
  EXPECT_EQ(s.f1, 0.0);  // P + R = 0: F is 0, not NaN
  EXPECT_EQ(rouge_l("", "gamma").recall, 0.0);
  EXPECT_EQ(rouge_l("gamma", "?!").precision, 0.0);
}

}  // namespace
}  // namespace lethe::eval
