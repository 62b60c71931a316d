#pragma once
// TOFU's truth ratio and forget quality (Maini et al. 2024).
//
// For a question q with a paraphrased correct answer a~ and perturbed (wrong) answers a^_1..a^_n,
// let P(a)^(1/|a|) be an answer's length-normalised probability, |a| its token count; its log is
// the answer's mean per-token log-probability (mean_log_prob). Then
//   R_truth = (prod_j P(a^_j)^(1/|a^_j|))^(1/n) / P(a~)^(1/|a~|)
//           = exp(mean_j mean_log_prob(a^_j) - mean_log_prob(a~)),
// the geometric mean over perturbed answers, as TOFU's code computes it (the paper's text writes
// an arithmetic mean). Below 1: the model prefers the true answer. TOFU's code keeps the
// reciprocal, exp(perturbed loss - paraphrased loss); forget quality is the same either way, as
// the Kolmogorov-Smirnov statistic does not change when both samples go through 1/x.
#include <vector>

namespace lethe::eval {

// Throws lethe::Error when there is no perturbed answer.
double truth_ratio(double paraphrased_mean_log_prob, const std::vector<double>& perturbed_mean_log_probs);

// The two-sample Kolmogorov-Smirnov p-value (ks_2samp) between the truth ratios of the forget
// set's items under the unlearned model and under the oracle: high when the unlearned model's
// distribution is indistinguishable from the oracle's.
double forget_quality(const std::vector<double>& unlearned_truth_ratios,
                      const std::vector<double>& oracle_truth_ratios);

}  // namespace lethe::eval
