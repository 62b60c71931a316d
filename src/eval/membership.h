#pragma once
// Membership-inference scores of one text, from the model's per-token log-probabilities: for a
// text of tokens x_1..x_T, token_log_probs[t] = log p(x_t | x_<t) in nats, one per predicted token.
// Which way points to "member" (seen in training): lower loss and lower zlib ratio; higher
// Min-K% and higher Min-K%++. roc_auc() wants higher = member: negate loss and zlib ratio.
// Each throws lethe::Error on an empty token list.
#include <cstddef>
#include <string_view>
#include <vector>

namespace lethe::eval {

// The mean of token_log_probs: log of the geometric-mean token probability.
double mean_log_prob(const std::vector<double>& token_log_probs);

// Mean negative log-likelihood per token (Yeom et al. 2018): -mean_log_prob.
double loss_score(const std::vector<double>& token_log_probs);

// Byte length of zlib.compress(text) (zlib's default level 6), as Python computes it.
std::size_t zlib_compressed_size(std::string_view text);

// Carlini et al. 2021: loss / zlib_compressed_size(text). Text that compresses well (repetitive,
// so easy to predict) is expected to have a low loss; the ratio corrects for that.
double zlib_ratio(const std::vector<double>& token_log_probs, std::string_view text);

// Min-K% Prob (Shi et al. 2024): the mean of the lowest k = floor(T * fraction) token log-probs
// (at least one), fraction in (0, 1]; floor(T * fraction) in double arithmetic, as the reference
// code's int(len * ratio). A member has few very unlikely tokens.
double min_k_percent(const std::vector<double>& token_log_probs, double fraction);

// Min-K%++ (Zhang et al. 2024): Min-K% over the per-token scores (log p(x_t) - mu_t) / sigma_t,
// where mu_t and sigma_t are the mean and standard deviation of log p(v) over the vocabulary v
// under the model's own distribution p at position t: mu_t = sum_v p(v) log p(v),
// sigma_t^2 = sum_v p(v) (log p(v))^2 - mu_t^2. Each sigma_t must be > 0 (clamp it at the source).
double min_k_percent_plus_plus(const std::vector<double>& token_log_probs, const std::vector<double>& means,
                               const std::vector<double>& stds, double fraction);

// MUSE's PrivLeak: (AUC_unlearned - AUC_oracle) / AUC_oracle * 100, the AUCs of telling forget
// texts (positives) from held-out texts (negatives). Near 0: the unlearned model treats the forget
// set as a model that never saw it does; > 0: it still leaks membership; < 0: it over-unlearned.
double privleak(double auc_unlearned, double auc_oracle);

}  // namespace lethe::eval
