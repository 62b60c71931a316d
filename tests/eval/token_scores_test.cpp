// Batched continuation scores against the model's plain forward pass on one unpadded sequence at
// a time: padding, batching and position selection must not change a single log-probability.
#include <gtest/gtest.h>

#include "eval/token_scores.h"
#include "model/config.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

model::CausalLM random_model(int64_t max_positions) {
  nlohmann::json j = {{"vocab_size", 40}, {"hidden_size", 32}, {"intermediate_size", 64},
                      {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                      {"max_position_embeddings", max_positions}, {"tie_word_embeddings", false}};
  model::CausalLM m(model::parse_model_config(j, "random"));
  model::initialize_parameters(m, 11, 0.3);  // a large std: peaked, position-dependent distributions
  m->eval();
  return m;
}

// log p(v | prefix) for every position of ids: (T,V) in double.
torch::Tensor reference_log_probs(model::CausalLM& m, const std::vector<int32_t>& ids) {
  torch::NoGradGuard no_grad;
  auto tokens = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end())).unsqueeze(0);
  return torch::log_softmax(m->forward(tokens)[0].to(torch::kDouble), -1);
}

TEST(TokenScores, BatchedScoresEqualOneSequenceForwardPasses) {
  auto m = random_model(64);
  std::vector<ScoreRequest> requests = {{{1}, {5, 7, 9, 11, 13, 15, 17}},
                                        {{1, 4, 4}, {8}},
                                        {{1, 2, 3, 5, 8, 13, 21, 34}, {3, 9, 27}},
                                        {{2}, {}}};
  auto scores = score_continuations(m, requests, {/*batch_size=*/3, /*distribution_stats=*/true});
  ASSERT_EQ(scores.size(), requests.size());
  for (size_t r = 0; r < requests.size(); ++r) {
    const auto& req = requests[r];
    ASSERT_EQ(scores[r].log_probs.size(), req.continuation.size());
    std::vector<int32_t> ids = req.context;
    ids.insert(ids.end(), req.continuation.begin(), req.continuation.end());
    auto log_p = reference_log_probs(m, ids);
    for (size_t t = 0; t < req.continuation.size(); ++t) {
      auto row = log_p[static_cast<int64_t>(req.context.size() + t - 1)];  // predicts continuation[t]
      EXPECT_NEAR(scores[r].log_probs[t], row[req.continuation[t]].item<double>(), 1e-5) << r << " " << t;
      double mean = (row.exp() * row).sum().item<double>();
      double second = (row.exp() * row * row).sum().item<double>();
      EXPECT_NEAR(scores[r].means[t], mean, 1e-5);
      EXPECT_NEAR(scores[r].stds[t], std::sqrt(second - mean * mean), 1e-4);
    }
  }
}

TEST(TokenScores, AContinuationBeyondTheContextWindowIsCut) {
  auto m = random_model(8);
  std::vector<int32_t> continuation = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  auto scores = score_continuations(m, {{{1, 2, 3}, continuation}}, {});
  EXPECT_EQ(scores[0].log_probs.size(), 6u);  // 8 positions + the last token, never an input - 3 context tokens
  EXPECT_TRUE(scores[0].means.empty());
}

TEST(TokenScores, ARequestWithoutContextIsRefused) {
  auto m = random_model(8);
  EXPECT_THROW(score_continuations(m, {{{}, {3, 4}}}, {}), Error);
}

}  // namespace
}  // namespace lethe::eval
