#pragma once
// ROC analysis of a score that should rank positives (e.g. texts the model was trained on) above
// negatives (held-out texts): higher score = "more likely positive". Pass a score whose low
// values mean positive (a loss) negated.
#include <vector>

namespace lethe::eval {

// The probability that a random positive scores above a random negative, ties counting 1/2: the
// Mann-Whitney U statistic over (#positives * #negatives). 0.5 is chance. Throws lethe::Error on
// an empty list or a NaN score.
double roc_auc(const std::vector<double>& positives, const std::vector<double>& negatives);

struct RocPoint {
  double threshold;  // scores >= threshold are called positive; +infinity for the first point
  double false_positive_rate;
  double true_positive_rate;
};

// One point per distinct score, from (0, 0) at threshold +infinity to (1, 1) at the lowest score,
// as scikit-learn's roc_curve(drop_intermediate=False). Its trapezoid area is roc_auc().
std::vector<RocPoint> roc_curve(const std::vector<double>& positives, const std::vector<double>& negatives);

}  // namespace lethe::eval
