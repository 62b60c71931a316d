#include "eval/completions.h"

#include <algorithm>

#include "model/generate.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

// Token ids that decode to text containing a newline.
std::vector<int64_t> newline_ids(const tokenizer::Tokenizer& tok) {
  std::vector<int64_t> out;
  for (int32_t id : tok.encode("a\nb", /*add_special=*/false))
    if (tok.decode({id}, /*skip_special=*/true).find('\n') != std::string::npos) out.push_back(id);
  return out;
}

}  // namespace

std::vector<std::vector<int32_t>> greedy_token_completions(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                                           const std::vector<std::vector<int32_t>>& prompts,
                                                           const CompletionOptions& options,
                                                           const std::function<void(int64_t)>& on_progress) {
  if (options.batch_size < 1) throw Error("completions: batch size must be >= 1");
  model::GenerateOptions generation;
  generation.max_new_tokens = options.max_new_tokens;
  generation.stop_ids = model::end_of_sequence_ids(model->config(), tok.eos_id);
  if (options.stop_at_newline)
    for (int32_t id : newline_ids(tok)) generation.stop_ids.push_back(id);
  auto is_stop = [&](int32_t id) {
    return std::find(generation.stop_ids.begin(), generation.stop_ids.end(), id) != generation.stop_ids.end();
  };
  std::vector<std::vector<int32_t>> out;
  out.reserve(prompts.size());
  for (size_t first = 0; first < prompts.size(); first += options.batch_size) {
    size_t last = std::min(prompts.size(), first + static_cast<size_t>(options.batch_size));
    std::vector<std::vector<int32_t>> batch(prompts.begin() + first, prompts.begin() + last);
    for (auto& completion : model::generate(model, batch, generation)) {
      if (!completion.empty() && is_stop(completion.back())) completion.pop_back();
      out.push_back(std::move(completion));
    }
    if (on_progress) on_progress(static_cast<int64_t>(last - first));
  }
  return out;
}

std::vector<std::string> greedy_completions(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                            const std::vector<std::string>& prompts, const CompletionOptions& options,
                                            const std::function<void(int64_t)>& on_progress) {
  std::vector<std::vector<int32_t>> encoded;
  for (const auto& prompt : prompts) encoded.push_back(tok.encode(prompt, /*add_special=*/true));
  std::vector<std::string> out;
  for (const auto& ids : greedy_token_completions(model, tok, encoded, options, on_progress))
    out.push_back(tok.decode(ids, /*skip_special=*/true));
  return out;
}

}  // namespace lethe::eval
