#pragma once
// Batched text generation with a KV cache: prompts of different lengths are left-padded,
// prefilled in one pass, then extended one token per step until each stops at EOS or the limit.
#include <cstdint>
#include <functional>
#include <vector>

#include "model/llama.h"
#include "model/sampling.h"

namespace lethe::model {

struct GenerateOptions {
  int64_t max_new_tokens = 128;
  SamplingOptions sampling;
  std::vector<int64_t> stop_ids;  // generation of a row ends after one of these (EOS)
};

// Called for every generated token: (row, token id). Returning true ends that row (a stop text).
using TokenCallback = std::function<bool(int64_t, int32_t)>;

// Returns the new tokens of each prompt (stop token included when reached).
std::vector<std::vector<int32_t>> generate(CausalLM& model, const std::vector<std::vector<int32_t>>& prompts,
                                           const GenerateOptions& options, const TokenCallback& on_token = {});

}  // namespace lethe::model
