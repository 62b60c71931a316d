#include "eval/roc.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/error.h"

namespace lethe::eval {
namespace {

// The positives and negatives that share one score.
struct ScoreGroup {
  double score;
  double positives = 0;
  double negatives = 0;
};

void check_scores(const std::vector<double>& scores, const char* which) {
  if (scores.empty()) throw Error(std::string("ROC: no ") + which + " scores");
  if (std::any_of(scores.begin(), scores.end(), [](double s) { return std::isnan(s); }))
    throw Error(std::string("ROC: a ") + which + " score is NaN");
}

// Groups of equal scores, highest score first.
std::vector<ScoreGroup> descending_groups(const std::vector<double>& positives, const std::vector<double>& negatives) {
  check_scores(positives, "positive");
  check_scores(negatives, "negative");
  std::vector<std::pair<double, bool>> labelled;  // (score, is positive)
  labelled.reserve(positives.size() + negatives.size());
  for (double s : positives) labelled.emplace_back(s, true);
  for (double s : negatives) labelled.emplace_back(s, false);
  std::sort(labelled.begin(), labelled.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<ScoreGroup> groups;
  for (const auto& [score, is_positive] : labelled) {
    if (groups.empty() || groups.back().score != score) groups.push_back({score});
    (is_positive ? groups.back().positives : groups.back().negatives) += 1;
  }
  return groups;
}

}  // namespace

double roc_auc(const std::vector<double>& positives, const std::vector<double>& negatives) {
  double wins = 0;  // pairs (positive, negative) ordered correctly, ties counting 1/2
  double positives_above = 0;
  for (const ScoreGroup& group : descending_groups(positives, negatives)) {
    wins += group.negatives * (positives_above + 0.5 * group.positives);
    positives_above += group.positives;
  }
  return wins / (static_cast<double>(positives.size()) * static_cast<double>(negatives.size()));
}

std::vector<RocPoint> roc_curve(const std::vector<double>& positives, const std::vector<double>& negatives) {
  std::vector<ScoreGroup> groups = descending_groups(positives, negatives);
  auto total_positives = static_cast<double>(positives.size());
  auto total_negatives = static_cast<double>(negatives.size());
  std::vector<RocPoint> curve = {{std::numeric_limits<double>::infinity(), 0.0, 0.0}};
  double true_positives = 0;
  double false_positives = 0;
  for (const ScoreGroup& group : groups) {
    true_positives += group.positives;
    false_positives += group.negatives;
    curve.push_back({group.score, false_positives / total_negatives, true_positives / total_positives});
  }
  return curve;
}

}  // namespace lethe::eval
