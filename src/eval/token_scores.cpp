#include "eval/token_scores.h"

#include <algorithm>

#include "dist/round_robin.h"
#include "eval/python_text.h"
#include "model/padded_batch.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

// The request cut to the model's context: its context whole, its continuation as far as it fits.
// The last token is never an input (nothing after it is scored), so max_length + 1 tokens fit.
ScoreRequest fitted(const ScoreRequest& request, int64_t max_length) {
  if (request.context.empty()) throw Error("token scores: a request has no context token");
  auto room = std::max<int64_t>(0, max_length + 1 - static_cast<int64_t>(request.context.size()));
  ScoreRequest out{request.context, request.continuation};
  if (static_cast<int64_t>(out.continuation.size()) > room) out.continuation.resize(room);
  return out;
}

std::vector<double> as_doubles(const torch::Tensor& values) {  // (N) on any device
  auto cpu = values.to(torch::kCPU, torch::kDouble).contiguous();
  return {cpu.data_ptr<double>(), cpu.data_ptr<double>() + cpu.numel()};
}

void append(std::vector<double>& to, const std::vector<double>& more) { to.insert(to.end(), more.begin(), more.end()); }

// Scores of one batch of fitted requests, right-padded into one forward pass.
std::vector<TokenScores> score_batch(model::CausalLM& model, const std::vector<ScoreRequest>& batch,
                                     bool distribution_stats) {
  const auto device = model->output_weight().device();
  const auto rows = static_cast<int64_t>(batch.size());
  // Inputs: the context and every continuation token but the last, whose prediction is unused.
  auto input_length = [](const ScoreRequest& r) {
    return static_cast<int64_t>(r.context.size() + r.continuation.size()) - (r.continuation.empty() ? 0 : 1);
  };
  std::vector<std::vector<int32_t>> inputs;
  for (const auto& r : batch) {
    inputs.push_back(r.context);
    inputs.back().insert(inputs.back().end(), r.continuation.begin(), r.continuation.end());
    inputs.back().resize(input_length(r));
  }
  const auto padded = model::pad_batch(inputs, model::PadSide::right, device);  // (B,L)
  const int64_t length = padded.tokens.size(1);
  auto scored = torch::zeros({rows, length}, torch::kBool);  // position predicts a continuation token
  auto targets = torch::zeros({rows, length}, torch::kLong);
  for (int64_t b = 0; b < rows; ++b) {
    const auto c = static_cast<int64_t>(batch[b].context.size());
    const auto k = static_cast<int64_t>(batch[b].continuation.size());
    if (k == 0) continue;
    targets[b].narrow(0, c - 1, k).copy_(torch::tensor(batch[b].continuation, torch::kInt).to(torch::kLong));
    scored[b].narrow(0, c - 1, k).fill_(true);
  }
  auto hidden = model->hidden_states(padded.tokens, padded.attention_mask());  // (B,L,C)
  auto selected = scored.to(device);
  auto h = hidden.index({selected});                         // (N,C)
  auto chosen = targets.to(device).index({selected});        // (N)
  std::vector<double> picked, means, stds;
  for (int64_t begin = 0; begin < h.size(0); begin += model->logit_rows_per_chunk()) {
    const int64_t n = std::min(model->logit_rows_per_chunk(), h.size(0) - begin);
    auto log_p = torch::log_softmax(model->project(h.narrow(0, begin, n)).to(torch::kFloat), -1);  // (n,V)
    append(picked, as_doubles(log_p.gather(1, chosen.narrow(0, begin, n).unsqueeze(1)).squeeze(1)));
    if (distribution_stats) {
      auto p = log_p.exp();
      auto mean = (p * log_p).sum(-1);                                                                 // (n)
      append(stds, as_doubles(((p * log_p * log_p).sum(-1) - mean * mean).clamp_min(1e-12).sqrt()));  // (n)
      append(means, as_doubles(mean));
    }
  }
  std::vector<TokenScores> out(batch.size());
  size_t k = 0;
  for (size_t b = 0; b < batch.size(); ++b) {
    size_t n = batch[b].continuation.size();
    out[b].log_probs.assign(picked.begin() + k, picked.begin() + k + n);
    if (distribution_stats) {
      out[b].means.assign(means.begin() + k, means.begin() + k + n);
      out[b].stds.assign(stds.begin() + k, stds.begin() + k + n);
    }
    k += n;
  }
  return out;
}

}  // namespace

ScoreRequest continuation_request(const tokenizer::Tokenizer& tok, const std::string& prefix,
                                  const std::string& continuation) {
  auto whole = tok.encode(prefix + continuation, /*add_special=*/true);
  auto head = tok.encode(prefix, /*add_special=*/true);
  size_t common = 0;
  while (common < head.size() && common < whole.size() && head[common] == whole[common]) ++common;
  common = std::max<size_t>(common, 1);  // the context keeps at least one token
  return {{whole.begin(), whole.begin() + common}, {whole.begin() + common, whole.end()}};
}

ScoreRequest harness_request(const tokenizer::Tokenizer& tok, std::string context, std::string continuation,
                             bool add_bos, int64_t max_length) {
  const std::size_t kept = python::rstrip(context).size();
  continuation.insert(0, context, kept);
  context.resize(kept);
  ScoreRequest request;
  if (!context.empty()) {
    auto whole = tok.encode(context + continuation, add_bos);
    request.context = tok.encode(context, add_bos);
    if (request.context.size() <= whole.size())
      request.continuation.assign(whole.begin() + static_cast<std::ptrdiff_t>(request.context.size()), whole.end());
  }
  if (request.context.empty()) {
    auto prefix = tok.bos_id ? tok.bos_id : tok.eos_id;
    if (!prefix) throw Error("an empty context needs a BOS or EOS token to start from, and the tokenizer has neither");
    request = {{*prefix}, tok.encode(continuation, /*add_special=*/false)};
  }
  const auto total = static_cast<int64_t>(request.context.size() + request.continuation.size());
  const auto excess = std::min<int64_t>(total - (max_length + 1), static_cast<int64_t>(request.context.size()) - 1);
  if (excess > 0) request.context.erase(request.context.begin(), request.context.begin() + excess);
  return request;
}

std::vector<TokenScores> score_continuations(model::CausalLM& model, const std::vector<ScoreRequest>& requests,
                                             const ScoreOptions& options,
                                             const std::function<void(int64_t)>& on_progress) {
  if (options.batch_size < 1) throw Error("token scores: batch size must be >= 1");
  torch::NoGradGuard no_grad;
  const int64_t max_length = model->config().max_position_embeddings;
  // Each batch is one task of the processes (dist/round_robin.h): the batches one process forms.
  const auto size = static_cast<int64_t>(requests.size());
  const int64_t batches = (size + options.batch_size - 1) / options.batch_size;
  auto items_of = [&](int64_t batch) { return std::min(options.batch_size, size - batch * options.batch_size); };
  auto score = [&](int64_t batch) {
    std::vector<ScoreRequest> fitted_batch;
    for (int64_t i = batch * options.batch_size; i < batch * options.batch_size + items_of(batch); ++i)
      fitted_batch.push_back(fitted(requests[i], max_length));
    nlohmann::json scores = nlohmann::json::array();
    for (const auto& s : score_batch(model, fitted_batch, options.distribution_stats))
      scores.push_back({s.log_probs, s.means, s.stds});
    return scores;
  };
  auto report = [&](int64_t first, int64_t end) {
    for (int64_t batch = first; on_progress && batch < end; ++batch) on_progress(items_of(batch));
  };
  std::vector<TokenScores> out;
  out.reserve(requests.size());
  for (const auto& batch : dist::round_robin(batches, score, report))
    for (const auto& s : batch)
      out.push_back({s[0].get<std::vector<double>>(), s[1].get<std::vector<double>>(), s[2].get<std::vector<double>>()});
  return out;
}

}  // namespace lethe::eval
