#pragma once
// Greedy completions of many prompts, batched: the generation behind knowledge QA, completion
// familiarity and verbatim memorisation.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

struct CompletionOptions {
  int64_t batch_size = 32;
  int64_t max_new_tokens = 32;
  bool stop_at_newline = false;  // end a completion at its first line break (answers)
};

// The new tokens of each prompt (the stop token excluded). on_progress(prompts done).
std::vector<std::vector<int32_t>> greedy_token_completions(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                                           const std::vector<std::vector<int32_t>>& prompts,
                                                           const CompletionOptions& options,
                                                           const std::function<void(int64_t)>& on_progress = {});

// The same for text prompts (encoded with BOS), decoded without special tokens.
std::vector<std::string> greedy_completions(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                            const std::vector<std::string>& prompts, const CompletionOptions& options,
                                            const std::function<void(int64_t)>& on_progress = {});

}  // namespace lethe::eval
