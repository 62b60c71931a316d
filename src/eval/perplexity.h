#pragma once
// Perplexity of a token stream with a sliding window: windows of `context` tokens advance by
// `stride`; each token is scored once, by the first window that predicts it after the previous
// window's end, so most tokens see context - stride tokens or more of history.
#include <cstdint>
#include <functional>
#include <vector>

#include "model/llama.h"

namespace lethe::eval {

struct PerplexityOptions {
  int64_t context = 1024;
  int64_t stride = 512;
  int64_t batch_size = 4;
};

struct PerplexityResult {
  double negative_log_likelihood = 0.0;  // summed over scored tokens, in nats
  int64_t scored_tokens = 0;
  double perplexity() const;
};

// on_progress(tokens newly scored) after every batch of windows.
PerplexityResult perplexity(model::CausalLM& model, const std::vector<int32_t>& ids, const PerplexityOptions& options,
                            const std::function<void(int64_t)>& on_progress = {});

}  // namespace lethe::eval
