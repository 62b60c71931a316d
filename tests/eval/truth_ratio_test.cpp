// TOFU's truth ratio on hand-computed log-probabilities, and forget quality as a KS p-value.
#include "eval/truth_ratio.h"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.h"

namespace lethe::eval {
namespace {

TEST(TruthRatio, GeometricMeanOfPerturbedOverParaphrased) {
  // Length-normalised probabilities: paraphrased e^-1; perturbed e^-2 and e^-3, geometric mean
  // e^-2.5. R = e^-2.5 / e^-1 = e^-1.5.
  EXPECT_DOUBLE_EQ(truth_ratio(-1.0, {-2.0, -3.0}), std::exp(-1.5));
  // A 2-token paraphrase of probability 0.25 (0.5 per token) against a 3-token perturbed answer of
  // probability 0.001 (0.1 per token): R = 0.1 / 0.5 = 0.2.
  EXPECT_NEAR(truth_ratio(std::log(0.25) / 2, {std::log(0.001) / 3}), 0.2, 1e-15);
  EXPECT_DOUBLE_EQ(truth_ratio(-2.0, {-2.0}), 1.0);  // no preference
  EXPECT_THROW(truth_ratio(-1.0, {}), Error);
}

TEST(TruthRatio, ForgetQualityIsKsPValue) {
  EXPECT_DOUBLE_EQ(forget_quality({1, 2}, {3, 4}), 2.0 / 6);  // separated: 2 of C(4,2) orderings
  EXPECT_DOUBLE_EQ(forget_quality({0.5, 0.7, 0.9}, {0.5, 0.7, 0.9}), 1.0);
}

TEST(TruthRatio, ForgetQualityDoesNotDependOnWhichWayTheRatioIsTaken) {
  // TOFU's code keeps 1/R; the KS statistic is the same when both samples go through 1/x.
  std::vector<double> unlearned = {0.2, 0.5, 0.9, 1.3, 2.0, 0.7}, oracle = {0.6, 0.8, 1.1, 1.5, 3.0};
  std::vector<double> unlearned_inverse, oracle_inverse;
  for (double r : unlearned) unlearned_inverse.push_back(1 / r);
  for (double r : oracle) oracle_inverse.push_back(1 / r);
  EXPECT_DOUBLE_EQ(forget_quality(unlearned, oracle), forget_quality(unlearned_inverse, oracle_inverse));
}

}  // namespace
}  // namespace lethe::eval
