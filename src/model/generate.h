#pragma once
// Batched text generation with a KV cache: prompts of different lengths are left-padded,
// prefilled in one pass, then extended one token per step until each stops at EOS or the limit.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/llama.h"
#include "model/sampling.h"

namespace lethe::model {

struct GenerateOptions {
  int64_t max_new_tokens = 128;
  SamplingOptions sampling;
  std::vector<int64_t> stop_ids;  // generation of a row ends after one of these (EOS)
};

// The tokens that end a generation: config.json's eos_token_id (one or a list) and the tokenizer's
// EOS (tokenizer_config.json), which real checkpoints do not always agree on (Llama 3.1 Instruct:
// 128009, <|eot_id|>, in the tokenizer; 128001, 128008 and 128009 in config.json).
std::vector<int64_t> end_of_sequence_ids(const ModelConfig& config, std::optional<int32_t> tokenizer_eos);

// Called for every generated token: (row, token id). Returning true ends that row (a stop text).
using TokenCallback = std::function<bool(int64_t, int32_t)>;

// Returns the new tokens of each prompt (stop token included when reached), at most
// max_new_tokens and never past the model's context (max_position_embeddings).
std::vector<std::vector<int32_t>> generate(CausalLM& model, const std::vector<std::vector<int32_t>>& prompts,
                                           const GenerateOptions& options, const TokenCallback& on_token = {});

}  // namespace lethe::model
