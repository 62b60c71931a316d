// Membership-inference scores on hand-computed token log-probabilities; zlib sizes are Python's
// len(zlib.compress(text)).
#include "eval/membership.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lethe::eval {
namespace {

const std::vector<double> kLogProbs = {-1, -2, -3, -4};

TEST(MembershipScore, LossIsMeanNegativeLogLikelihood) {
  EXPECT_DOUBLE_EQ(mean_log_prob(kLogProbs), -2.5);  // (-1 - 2 - 3 - 4) / 4
  EXPECT_DOUBLE_EQ(loss_score(kLogProbs), 2.5);
  EXPECT_THROW(loss_score({}), Error);
}

TEST(MembershipScore, ZlibSizeAndRatio) {
  EXPECT_EQ(zlib_compressed_size(""), 8u);  // 2-byte header, empty block, 4-byte Adler-32
  EXPECT_EQ(zlib_compressed_size("a"), 9u);
  EXPECT_EQ(zlib_compressed_size("hello hello hello hello"), 16u);
  EXPECT_EQ(zlib_compressed_size("Zo\xC3\xAB"), 12u);
  // loss of {-1, -3} is 2; "a" compresses to 9 bytes.
  EXPECT_DOUBLE_EQ(zlib_ratio({-1, -3}, "a"), 2.0 / 9);
}

TEST(MembershipScore, MinKPercentAveragesTheLowestTokens) {
  EXPECT_DOUBLE_EQ(min_k_percent(kLogProbs, 0.5), -3.5);  // floor(4 * 0.5) = 2: (-4 - 3) / 2
  EXPECT_DOUBLE_EQ(min_k_percent(kLogProbs, 0.2), -4.0);  // floor(0.8) = 0, so at least one token
  EXPECT_DOUBLE_EQ(min_k_percent(kLogProbs, 1.0), -2.5);
  // 100 tokens at 0.29: Python's int(100 * 0.29) is int(28.999999999999996) = 28 tokens,
  // -100..-73, mean -86.5 (29 tokens would give -86).
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(-i);
  EXPECT_DOUBLE_EQ(min_k_percent(hundred, 0.29), -86.5);
  EXPECT_THROW(min_k_percent(kLogProbs, 0.0), Error);
  EXPECT_THROW(min_k_percent(kLogProbs, 1.5), Error);
  EXPECT_THROW(min_k_percent({}, 0.5), Error);
}

TEST(MembershipScore, MinKPercentPlusPlusStandardisesEachToken) {
  // (log p - mu) / sigma: (-1 + 2) / 1 = 1, (-2 + 2) / 0.5 = 0, (-3 + 1) / 2 = -1.
  std::vector<double> log_probs = {-1, -2, -3}, means = {-2, -2, -1}, stds = {1, 0.5, 2};
  EXPECT_DOUBLE_EQ(min_k_percent_plus_plus(log_probs, means, stds, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(min_k_percent_plus_plus(log_probs, means, stds, 0.7), -0.5);  // floor(2.1) = 2: {-1, 0}
  EXPECT_DOUBLE_EQ(min_k_percent_plus_plus(log_probs, means, stds, 0.1), -1.0);
  EXPECT_THROW(min_k_percent_plus_plus(log_probs, {-2, -2}, stds, 0.5), Error);
  EXPECT_THROW(min_k_percent_plus_plus(log_probs, means, {1, 0, 2}, 0.5), Error);
}

TEST(MembershipScore, PrivleakIsRelativeAucDifferenceInPercent) {
  EXPECT_DOUBLE_EQ(privleak(0.6, 0.5), 20.0);  // (0.6 - 0.5) / 0.5 * 100
  EXPECT_DOUBLE_EQ(privleak(0.4, 0.5), -20.0);
  EXPECT_DOUBLE_EQ(privleak(0.5, 0.5), 0.0);
  EXPECT_THROW(privleak(0.5, 0.0), Error);
}

}  // namespace
}  // namespace lethe::eval
