#include "eval/truth_ratio.h"

#include <cmath>
#include <numeric>

#include "eval/ks_test.h"
#include "util/error.h"

namespace lethe::eval {

double truth_ratio(double paraphrased_mean_log_prob, const std::vector<double>& perturbed_mean_log_probs) {
  if (perturbed_mean_log_probs.empty()) throw Error("truth ratio: no perturbed answer");
  double perturbed = std::accumulate(perturbed_mean_log_probs.begin(), perturbed_mean_log_probs.end(), 0.0) /
                     static_cast<double>(perturbed_mean_log_probs.size());
  return std::exp(perturbed - paraphrased_mean_log_prob);
}

double forget_quality(const std::vector<double>& unlearned_truth_ratios,
                      const std::vector<double>& oracle_truth_ratios) {
  return ks_2samp(unlearned_truth_ratios, oracle_truth_ratios).p_value;
}

}  // namespace lethe::eval
