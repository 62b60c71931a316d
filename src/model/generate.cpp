#include "model/generate.h"

#include <algorithm>

#include "util/error.h"

namespace lethe::model {

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

  torch::NoGradGuard no_grad;
  const auto device = model->output_weight().device();
  const auto dtype = model->output_weight().scalar_type();
  auto tokens = torch::zeros({batch, longest}, torch::kLong);  // (B,T) left-padded
  auto mask = torch::zeros({batch, longest}, torch::kLong);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = static_cast<int64_t>(prompts[b].size()), pad = longest - n;
    for (int64_t i = 0; i < n; ++i) tokens[b][pad + i] = prompts[b][i];
    mask[b].narrow(0, pad, n).fill_(1);
  }

  KVCache cache(model->config(), batch, longest + options.max_new_tokens, dtype, device);
  std::vector<Sampler> samplers;
  for (int64_t b = 0; b < batch; ++b) {
    SamplingOptions s = options.sampling;
    s.seed += static_cast<uint64_t>(b);  // each row its own stream, reproducible
    samplers.emplace_back(s);
  }
  std::vector<bool> finished(batch, false);
  auto logits = model->forward(tokens.to(device), mask.to(device), &cache);  // (B,T,V)
  for (int64_t step = 0; step < options.max_new_tokens; ++step) {
    auto last = logits.select(1, logits.size(1) - 1).to(torch::kCPU, torch::kFloat).contiguous();  // (B,V)
    auto next = torch::zeros({batch, 1}, torch::kLong);
    auto next_mask = torch::zeros({batch, 1}, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      if (finished[b]) continue;
      int32_t id = samplers[b].sample(last[b].data_ptr<float>(), last.size(1));
      outputs[b].push_back(id);
      if (on_token) on_token(b, id);
      next[b][0] = id;
      next_mask[b][0] = 1;
      finished[b] = std::count(options.stop_ids.begin(), options.stop_ids.end(), id) > 0;
    }
    if (std::all_of(finished.begin(), finished.end(), [](bool f) { return f; })) break;
    if (step + 1 == options.max_new_tokens) break;
    logits = model->forward(next.to(device), next_mask.to(device), &cache);  // (B,1,V)
  }
  return outputs;
}

}  // namespace lethe::model
