#include "eval/membership.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>

#include "eval/mean.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

void check_not_empty(const std::vector<double>& token_log_probs, const char* score) {
  if (token_log_probs.empty()) throw Error(fmt::format("{}: the text has no scored tokens", score));
}

// The mean of the k = max(1, floor(size * fraction)) smallest values.
double mean_of_lowest(std::vector<double> values, double fraction, const char* score) {
  if (!(fraction > 0.0 && fraction <= 1.0))
    throw Error(fmt::format("{}: fraction {} is not in (0, 1]", score, fraction));
  auto k = std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(values.size()) * fraction));
  std::partial_sort(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  values.resize(k);
  return mean_or_zero(values);
}

}  // namespace

double mean_log_prob(const std::vector<double>& token_log_probs) {
  check_not_empty(token_log_probs, "mean log-probability");
  return mean_or_zero(token_log_probs);
}

double loss_score(const std::vector<double>& token_log_probs) { return -mean_log_prob(token_log_probs); }

std::size_t zlib_compressed_size(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::vector<Bytef> compressed(size);
  int status = compress2(compressed.data(), &size, reinterpret_cast<const Bytef*>(text.data()),
                         static_cast<uLong>(text.size()), Z_DEFAULT_COMPRESSION);
  if (status != Z_OK) throw Error(fmt::format("zlib compression failed (status {})", status));
  return size;
}

double zlib_ratio(const std::vector<double>& token_log_probs, std::string_view text) {
  return loss_score(token_log_probs) / static_cast<double>(zlib_compressed_size(text));
}

double min_k_percent(const std::vector<double>& token_log_probs, double fraction) {
  check_not_empty(token_log_probs, "Min-K%");
  return mean_of_lowest(token_log_probs, fraction, "Min-K%");
}

double min_k_percent_plus_plus(const std::vector<double>& token_log_probs, const std::vector<double>& means,
                               const std::vector<double>& stds, double fraction) {
  check_not_empty(token_log_probs, "Min-K%++");
  if (means.size() != token_log_probs.size() || stds.size() != token_log_probs.size())
    throw Error(fmt::format("Min-K%++: {} token log-probs but {} means and {} standard deviations",
                            token_log_probs.size(), means.size(), stds.size()));
  std::vector<double> standardised(token_log_probs.size());
  for (std::size_t t = 0; t < token_log_probs.size(); ++t) {
    if (!(stds[t] > 0.0))
      throw Error(fmt::format("Min-K%++: standard deviation {} at position {} is not > 0", stds[t], t));
    standardised[t] = (token_log_probs[t] - means[t]) / stds[t];
  }
  return mean_of_lowest(std::move(standardised), fraction, "Min-K%++");
}

double privleak(double auc_unlearned, double auc_oracle) {
  if (!(auc_oracle > 0.0)) throw Error(fmt::format("PrivLeak: the oracle's AUC {} is not > 0", auc_oracle));
  return (auc_unlearned - auc_oracle) / auc_oracle * 100.0;
}

}  // namespace lethe::eval
