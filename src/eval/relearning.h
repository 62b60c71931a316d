#pragma once
// The relearning attack (Lynch et al. 2024; evaluation.md, robustness): fine-tune a copy of the
// model for a few steps on a small slice of the forget corpus, then ask the forget questions whose
// answers the slice does not contain. Knowledge that comes back from so little was suppressed,
// not removed; a model that never knew it (the oracle) gains little.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "eval/knowledge_qa.h"
#include "eval/suite.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

struct RelearningOptions {
  int64_t steps = 20;
  int64_t batch_size = 4;
  int64_t block_length = 128;
  double lr = 1e-4;
  uint64_t seed = 0;
  // relearning_curve's run directory; relearning_attack and the sweep make one per run in it.
  // Removed afterwards.
  std::filesystem::path scratch_dir;
  QaOptions qa;
};

struct RelearningResult {
  int64_t slice_tokens = 0;
  int64_t questions = 0;  // forget questions whose answer is not in the slice
  double exact_match_before = 0.0, exact_match_after = 0.0;
};

// `model` itself is not changed. Throws lethe::Error when the slice is shorter than one block or
// every answer is in it.
RelearningResult relearning_attack(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                   const std::string& slice_text, const std::vector<QaItem>& questions,
                                   const RelearningOptions& options);

// The questions whose answer does not occur in `text` (as normalised words): what a fine-tune on
// the text cannot simply copy.
std::vector<QaItem> questions_unanswered_by(const std::string& text, const std::vector<QaItem>& questions);

// Exact match on `questions` after each of `at_steps` (ascending, > 0) steps of a constant-rate
// fine-tune at `lr` of a float32 copy of `model` on `stream` (token ids, at least one block);
// options.steps and options.lr are not used. `model` itself is not changed. The calling process
// runs it alone (dist::ThisProcessAlone), whatever the number of processes: an attack is not
// shared out, the attacks of a sweep are (each process takes whole runs).
std::vector<double> relearning_curve(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                     const std::vector<int32_t>& stream, const std::vector<QaItem>& questions,
                                     double lr, const std::vector<int64_t>& at_steps, const RelearningOptions& options);

}  // namespace lethe::eval
