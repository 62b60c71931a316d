// ROC AUC as the Mann-Whitney statistic with ties as 1/2, and the ROC curve, on hand-counted pairs.
#include "eval/roc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "util/error.h"

namespace lethe::eval {
namespace {

// positives {0.9, 0.8, 0.4} against negatives {0.7, 0.4, 0.1}: 0.9 and 0.8 beat all three
// negatives (3 + 3); 0.4 loses to 0.7, ties 0.4 (1/2), beats 0.1 (1): 7.5 of 9 pairs.
const std::vector<double> kPositives = {0.9, 0.8, 0.4};
const std::vector<double> kNegatives = {0.7, 0.4, 0.1};

TEST(RocAuc, CountsPairsWithTiesAsHalf) {
  EXPECT_DOUBLE_EQ(roc_auc(kPositives, kNegatives), 7.5 / 9);
  EXPECT_DOUBLE_EQ(roc_auc(kNegatives, kPositives), 1.5 / 9);  // swapping the roles gives 1 - AUC
  EXPECT_DOUBLE_EQ(roc_auc({2, 3}, {0, 1}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({0, 1}, {2, 3}), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc({5, 5}, {5, 5, 5}), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc({1}, {std::numeric_limits<double>::infinity()}), 0.0);
}

TEST(RocAuc, RejectsEmptyListsAndNaN) {
  EXPECT_THROW(roc_auc({}, {1.0}), Error);
  EXPECT_THROW(roc_auc({1.0}, {}), Error);
  EXPECT_THROW(roc_auc({1.0, std::nan("")}, {0.0}), Error);
}

TEST(RocCurve, OnePointPerDistinctScore) {
  // Descending: 0.9 (P), 0.8 (P), 0.7 (N), 0.4 (P and N), 0.1 (N); 3 positives, 3 negatives.
  std::vector<RocPoint> curve = roc_curve(kPositives, kNegatives);
  std::vector<RocPoint> expected = {{std::numeric_limits<double>::infinity(), 0, 0},
                                    {0.9, 0, 1.0 / 3}, {0.8, 0, 2.0 / 3}, {0.7, 1.0 / 3, 2.0 / 3},
                                    {0.4, 2.0 / 3, 1}, {0.1, 1, 1}};
  ASSERT_EQ(curve.size(), expected.size());
  for (std::size_t i = 0; i < curve.size(); ++i) {
    EXPECT_EQ(curve[i].threshold, expected[i].threshold) << i;
    EXPECT_DOUBLE_EQ(curve[i].false_positive_rate, expected[i].false_positive_rate) << i;
    EXPECT_DOUBLE_EQ(curve[i].true_positive_rate, expected[i].true_positive_rate) << i;
  }
}

TEST(RocCurve, TrapezoidAreaIsTheAuc) {
  // 2/9 + 5/18 + 1/3 = 15/18 over the segments of the curve above.
  std::vector<RocPoint> curve = roc_curve(kPositives, kNegatives);
  double area = 0;
  for (std::size_t i = 1; i < curve.size(); ++i)
    area += (curve[i].false_positive_rate - curve[i - 1].false_positive_rate) *
            (curve[i].true_positive_rate + curve[i - 1].true_positive_rate) / 2;
  EXPECT_DOUBLE_EQ(area, roc_auc(kPositives, kNegatives));
}

}  // namespace
}  // namespace lethe::eval
