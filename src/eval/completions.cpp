#include "eval/completions.h"

#include <algorithm>

#include "dist/round_robin.h"
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
  // Each batch is one task of the processes (dist/round_robin.h): the batches one process forms.
  const auto size = static_cast<int64_t>(prompts.size());
  const int64_t batches = (size + options.batch_size - 1) / options.batch_size;
  auto items_of = [&](int64_t batch) { return std::min(options.batch_size, size - batch * options.batch_size); };
  auto complete = [&](int64_t batch) {
    auto first = prompts.begin() + batch * options.batch_size;
    std::vector<std::vector<int32_t>> completions =
        model::generate(model, std::vector<std::vector<int32_t>>(first, first + items_of(batch)), generation);
    for (auto& completion : completions)
      if (!completion.empty() && is_stop(completion.back())) completion.pop_back();
    return nlohmann::json(completions);
  };
  auto report = [&](int64_t first, int64_t end) {
    for (int64_t batch = first; on_progress && batch < end; ++batch) on_progress(items_of(batch));
  };
  std::vector<std::vector<int32_t>> out;
  out.reserve(prompts.size());
  for (auto& batch : dist::round_robin(batches, complete, report))
    for (auto& completion : batch) out.push_back(completion.get<std::vector<int32_t>>());
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
