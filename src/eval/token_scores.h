#pragma once
// Log-probabilities of given continuations, in batched forward passes: the one measurement behind
// membership inference, truth ratios, multiple choice and probability familiarity.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

struct ScoreRequest {
  std::vector<int32_t> context;       // at least one token (BOS for a text scored on its own)
  std::vector<int32_t> continuation;  // the tokens whose log-probabilities are wanted
};

// The request for `continuation` after `prefix` (text), split where the whole text's encoding (with
// BOS) stops agreeing with the prefix's own: a token that spans the boundary is scored.
ScoreRequest continuation_request(const tokenizer::Tokenizer& tokenizer, const std::string& prefix,
                                  const std::string& continuation);

// The request lm-evaluation-harness makes for `continuation` after `context` (its _encode_pair):
// whitespace that ends the context moves to the start of the continuation; the context is encoded
// on its own and the continuation is the whole text's encoding after as many tokens. BOS only with
// add_bos (the harness's add_bos_token, off by default). An empty context is the prefix token alone
// (BOS, else EOS) before the continuation encoded on its own. Over max_length + 1 tokens, the
// oldest context tokens are dropped, as the harness cuts its input from the left.
ScoreRequest harness_request(const tokenizer::Tokenizer& tokenizer, std::string context, std::string continuation,
                             bool add_bos, int64_t max_length);

struct TokenScores {
  std::vector<double> log_probs;  // log p(continuation[t] | context, continuation[<t]), nats
  // Only with distribution statistics: the mean and standard deviation of log p(v) over the
  // vocabulary under the model's own p at each position (Min-K%++).
  std::vector<double> means;
  std::vector<double> stds;
};

struct ScoreOptions {
  int64_t batch_size = 16;
  bool distribution_stats = false;
};

// One TokenScores per request, in order. The last token is never an input, so a request of up to
// max_position_embeddings + 1 tokens is scored whole; a longer one keeps its context and the first
// tokens of its continuation that fit. on_progress(requests done).
std::vector<TokenScores> score_continuations(model::CausalLM& model, const std::vector<ScoreRequest>& requests,
                                             const ScoreOptions& options,
                                             const std::function<void(int64_t)>& on_progress = {});

}  // namespace lethe::eval
