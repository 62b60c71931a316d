#include "model/generate.h"

#include <fmt/core.h>

#include <algorithm>

#include "model/padded_batch.h"
#include "util/error.h"

namespace lethe::model {

std::vector<int64_t> end_of_sequence_ids(const ModelConfig& config, std::optional<int32_t> tokenizer_eos) {
  std::vector<int64_t> ids = config.eos_token_ids;
  if (tokenizer_eos && std::find(ids.begin(), ids.end(), *tokenizer_eos) == ids.end()) ids.push_back(*tokenizer_eos);
  return ids;
}

std::vector<std::vector<int32_t>> generate(CausalLM& model, const std::vector<std::vector<int32_t>>& prompts,
                                           const GenerateOptions& options, const TokenCallback& on_token) {
  const int64_t batch = static_cast<int64_t>(prompts.size());
  std::vector<std::vector<int32_t>> outputs(batch);
  if (batch == 0 || options.max_new_tokens <= 0) return outputs;
  int64_t longest = 0;
  for (const auto& p : prompts) {
    if (p.empty()) throw Error("generate: a prompt has no tokens (add a BOS token or some text)");
    longest = std::max<int64_t>(longest, static_cast<int64_t>(p.size()));
  }

  // Positions past the context have no rotary meaning: the continuation stops there, and the KV
  // cache is never larger than the context.
  const int64_t room = model->config().max_position_embeddings - longest;
  if (room <= 0)
    throw Error(fmt::format("generate: a prompt of {} tokens fills the model's context of {}", longest,
                            model->config().max_position_embeddings));
  const int64_t max_new_tokens = std::min(options.max_new_tokens, room);

  torch::NoGradGuard no_grad;
  const auto device = model->output_weight().device();
  const auto dtype = model->output_weight().scalar_type();
  const PaddedBatch padded = pad_batch(prompts, PadSide::left, device);  // (B,T)

  KVCache cache(model->config(), batch, longest + max_new_tokens, dtype, device);
  std::vector<Sampler> samplers;
  for (int64_t b = 0; b < batch; ++b) {
    SamplingOptions s = options.sampling;
    s.seed += static_cast<uint64_t>(b);  // each row its own stream, reproducible
    samplers.emplace_back(s);
  }
  std::vector<bool> finished(batch, false);
  // The prefill needs the logits of the last prompt position only.
  auto hidden = model->hidden_states(padded.tokens, padded.mask, &cache);  // (B,T,C)
  auto logits = model->project(hidden.narrow(1, longest - 1, 1));      // (B,1,V)
  for (int64_t step = 0; step < max_new_tokens; ++step) {
    auto last = logits.select(1, 0).to(torch::kCPU, torch::kFloat).contiguous();  // (B,V)
    auto next = torch::zeros({batch, 1}, torch::kLong);
    auto next_mask = torch::zeros({batch, 1}, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      if (finished[b]) continue;
      int32_t id = samplers[b].sample(last[b].data_ptr<float>(), last.size(1));
      outputs[b].push_back(id);
      const bool stop_requested = on_token && on_token(b, id);
      next[b][0] = id;
      next_mask[b][0] = 1;
      finished[b] = stop_requested || std::count(options.stop_ids.begin(), options.stop_ids.end(), id) > 0;
    }
    if (std::all_of(finished.begin(), finished.end(), [](bool f) { return f; })) break;
    if (step + 1 == max_new_tokens) break;
    logits = model->forward(next.to(device), next_mask.to(device), &cache);  // (B,1,V)
  }
  return outputs;
}

}  // namespace lethe::model
