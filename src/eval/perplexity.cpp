#include "eval/perplexity.h"

#include <algorithm>
#include <cmath>

#include "dist/round_robin.h"
#include "model/padded_batch.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

struct Window {
  int64_t begin = 0, end = 0;  // tokens [begin, end) are the input
  int64_t first_scored = 0;    // tokens [first_scored, end) are scored (each predicted by its predecessor)
};

std::vector<Window> plan_windows(int64_t n, int64_t context, int64_t stride) {
  std::vector<Window> windows;
  int64_t scored_until = 1;  // token 0 has no predecessor
  for (int64_t begin = 0; scored_until < n; begin += stride) {
    int64_t end = std::min(begin + context, n);
    if (end > scored_until) windows.push_back({begin, end, std::max(scored_until, begin + 1)});
    scored_until = std::max(scored_until, end);
  }
  return windows;
}

}  // namespace

double PerplexityResult::perplexity() const {
  return scored_tokens > 0 ? std::exp(negative_log_likelihood / scored_tokens) : NAN;
}

PerplexityResult perplexity(model::CausalLM& model, const std::vector<int32_t>& ids, const PerplexityOptions& options,
                            const std::function<void(int64_t)>& on_progress) {
  if (options.context < 2 || options.stride < 1 || options.stride > options.context || options.batch_size < 1)
    throw Error("perplexity: need context >= 2, 1 <= stride <= context, batch size >= 1");
  torch::NoGradGuard no_grad;
  const auto device = model->output_weight().device();
  const auto windows = plan_windows(static_cast<int64_t>(ids.size()), options.context, options.stride);
  // Each batch of windows is one task of the processes (dist/round_robin.h), its summed negative
  // log-likelihood its result; the sums are added in batch order, as one process adds them.
  const auto window_count = static_cast<int64_t>(windows.size());
  const int64_t batches = (window_count + options.batch_size - 1) / options.batch_size;
  auto score = [&](int64_t batch_index) {
    const int64_t first = batch_index * options.batch_size;
    const int64_t batch = std::min(options.batch_size, window_count - first);
    std::vector<std::vector<int32_t>> rows;
    for (int64_t w = first; w < first + batch; ++w) rows.emplace_back(ids.begin() + windows[w].begin, ids.begin() + windows[w].end);
    const auto padded = model::pad_batch(rows, model::PadSide::right, device);  // (B,L)
    const int64_t length = padded.tokens.size(1);
    auto scored = torch::zeros({batch, length}, torch::kBool);   // position predicts a scored token
    auto targets = torch::zeros({batch, length}, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      const Window& w = windows[first + b];
      const int64_t n = w.end - w.begin;
      targets[b].narrow(0, 0, n - 1).copy_(torch::tensor(std::vector<int32_t>(rows[b].begin() + 1, rows[b].end())));
      scored[b].narrow(0, w.first_scored - 1 - w.begin, w.end - w.first_scored).fill_(true);
    }
    auto hidden = model->hidden_states(padded.tokens, padded.attention_mask());  // (B,L,C)
    auto selected = scored.to(device);
    auto h = hidden.index({selected});                   // (N,C)
    auto chosen = targets.to(device).index({selected});  // (N)
    const int64_t count = h.size(0);
    double negative_log_likelihood = 0.0;
    for (int64_t begin = 0; begin < count; begin += model->logit_rows_per_chunk()) {
      const int64_t n = std::min(model->logit_rows_per_chunk(), count - begin);
      auto logits = model->project(h.narrow(0, begin, n)).to(torch::kFloat);  // (n,V)
      auto nll = torch::nn::functional::cross_entropy(
          logits, chosen.narrow(0, begin, n), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
      negative_log_likelihood += nll.item<double>();
    }
    return nlohmann::json{negative_log_likelihood, count};
  };
  auto report = [&](int64_t first, int64_t end) {  // the tokens that the round's windows score
    int64_t tokens = 0;
    for (int64_t w = first * options.batch_size; w < std::min(window_count, end * options.batch_size); ++w)
      tokens += windows[w].end - windows[w].first_scored;
    if (on_progress) on_progress(tokens);
  };
  PerplexityResult result;
  for (const auto& s : dist::round_robin(batches, score, report)) {
    result.negative_log_likelihood += s[0].get<double>();
    result.scored_tokens += s[1].get<int64_t>();
  }
  return result;
}

}  // namespace lethe::eval
