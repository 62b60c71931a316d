#include "model/sampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace lethe::model {

int32_t Sampler::sample(const float* logits, int64_t vocab_size) {
  if (options_.temperature <= 0.0f) return static_cast<int32_t>(std::max_element(logits, logits + vocab_size) - logits);

  std::vector<int32_t> order(vocab_size);
  std::iota(order.begin(), order.end(), 0);
  int64_t keep = options_.top_k > 0 ? std::min(options_.top_k, vocab_size) : vocab_size;
  // Ties are broken by id so that the draw is reproducible.
  auto by_logit = [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), by_logit);
  order.resize(keep);

  std::vector<double> probs(keep);
  const double top = logits[order[0]];
  for (int64_t i = 0; i < keep; ++i) probs[i] = std::exp((logits[order[i]] - top) / options_.temperature);
  double total = std::accumulate(probs.begin(), probs.end(), 0.0);
  if (options_.top_p < 1.0f) {  // the smallest prefix whose mass reaches top_p
    double mass = 0.0;
    int64_t n = 0;
    while (n < keep && (n == 0 || mass < options_.top_p * total)) mass += probs[n++];  // at least one token
    probs.resize(n);
    total = mass;
  }
  double draw = std::uniform_real_distribution<double>(0.0, total)(rng_);
  for (std::size_t i = 0; i < probs.size(); ++i) {
    draw -= probs[i];
    if (draw <= 0.0) return order[i];
  }
  return order[probs.size() - 1];
}

}  // namespace lethe::model
