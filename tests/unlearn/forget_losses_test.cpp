// The field's unlearning losses: each on logits worked out by hand, and NPO, SimNPO and UNDIAL
// against the formulas written in Python PyTorch (tests/reference/llama_reference.py
// forget_losses), loss and gradient by the logits; the retain term and the task vector.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fmt/core.h>

#include <cmath>
#include <functional>

#include "io/safetensors.h"
#include "model/reference_tensors.h"
#include "test_util.h"
#include "unlearn/forget_losses.h"
#include "unlearn/forget_method_loss.h"
#include "unlearn/task_vector.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

using test::read_tensor;
using test::relative_error;

// One block of 3 tokens over a vocabulary of 4, every logit equal: each next token has
// probability 1/4, so S = 2 log(1/4) and the mean next-token loss is log 4.
const torch::Tensor kUniform = torch::zeros({1, 3, 4});
const torch::Tensor kTokens = torch::tensor({{0, 2, 1}}, torch::kLong);

TEST(ForgetLosses, HandWorkedUniformLogits) {
  EXPECT_NEAR(block_log_probability(kUniform, kTokens).item<double>(), -2 * std::log(4.0), 1e-6);
  EXPECT_NEAR(gradient_ascent_loss(kUniform, kTokens).item<double>(), -std::log(4.0), 1e-6);
  // NPO with the model equal to its reference: log sigmoid(0) = -log 2, so the loss is 2 log 2 / beta.
  EXPECT_NEAR(npo_loss(kUniform, kUniform, kTokens, 0.1).item<double>(), 2 * std::log(2.0) / 0.1, 1e-5);
  // SimNPO: S / |x| = -log 4, so -(2/beta) log sigmoid(beta log 4 - gamma).
  const double beta = 4.5, gamma = 1.0;
  const double simnpo = -2 / beta * std::log(1 / (1 + std::exp(-(beta * std::log(4.0) - gamma))));
  EXPECT_NEAR(simnpo_loss(kUniform, kTokens, beta, gamma).item<double>(), simnpo, 1e-5);
  // UNDIAL with uniform base logits and the true token's lowered by beta = log 3: the target puts
  // 1/(3 + 1/3) = 0.3 on each other token and 0.1 on the true one. A student whose logits are
  // that adjusted target's pays its entropy.
  auto student = kUniform.clone();
  student[0][0][2] = -std::log(3.0);  // position 0 predicts token 2, position 1 token 1
  student[0][1][1] = -std::log(3.0);
  EXPECT_NEAR(undial_loss(student, kUniform, kTokens, std::log(3.0)).item<double>(),
              -(0.9 * std::log(0.3) + 0.1 * std::log(0.1)), 1e-6);
  EXPECT_NEAR(kl_to_reference(kUniform, kUniform).item<double>(), 0.0, 1e-7);
}

TEST(ForgetLosses, NpoRewardsLoweringTheForgetTextsLikelihood) {
  // The model puts more weight on each next token than the reference: S > S_ref, and the loss
  // rises above its value at the reference; its gradient lowers the true tokens' logits.
  auto logits = kUniform.clone();
  logits[0][0][2] = 2.0;
  logits[0][1][1] = 2.0;
  logits.requires_grad_(true);
  auto loss = npo_loss(logits, kUniform, kTokens, 0.1);
  EXPECT_GT(loss.item<double>(), 2 * std::log(2.0) / 0.1);
  loss.backward();
  EXPECT_GT(logits.grad()[0][0][2].item<double>(), 0);  // descent lowers it
  EXPECT_EQ(logits.grad()[0][2].abs().sum().item<double>(), 0);  // the last position predicts nothing
}

TEST(ForgetLosses, MatchPyTorchsFormulas) {
  auto dir = test::scratch_dir();
  const double beta = 0.7, gamma = 0.3, undial_beta = 3.0;
  test::run_python("llama_reference.py", fmt::format("forget_losses {} 11 {} {} {}", dir.string(), beta, gamma, undial_beta));
  io::SafetensorsReader expected(dir / "forget_losses.safetensors");
  auto reference = read_tensor(expected, "reference_logits"), tokens = read_tensor(expected, "tokens");
  struct Case {
    const char* name;
    std::function<torch::Tensor(const torch::Tensor&)> loss;
  };
  for (const Case& c : {Case{"npo", [&](const torch::Tensor& z) { return npo_loss(z, reference, tokens, beta); }},
                        Case{"simnpo", [&](const torch::Tensor& z) { return simnpo_loss(z, tokens, beta, gamma); }},
                        Case{"undial", [&](const torch::Tensor& z) { return undial_loss(z, reference, tokens, undial_beta); }}}) {
    auto logits = read_tensor(expected, "logits").requires_grad_(true);
    auto loss = c.loss(logits);
    loss.backward();
    EXPECT_LE(relative_error(loss.detach().reshape({1}), read_tensor(expected, std::string(c.name) + ".loss")), 1e-5) << c.name;
    EXPECT_LE(relative_error(logits.grad(), read_tensor(expected, std::string(c.name) + ".grad")), 1e-5) << c.name;
  }
}

model::CausalLM tiny_model(uint64_t seed) {
  nlohmann::json j = {{"vocab_size", 17}, {"hidden_size", 16}, {"intermediate_size", 32}, {"num_hidden_layers", 1},
                      {"num_attention_heads", 2}, {"max_position_embeddings", 32}};
  model::CausalLM m(model::parse_model_config(j, "tiny"));
  model::initialize_parameters(m, seed);
  return m;
}

TEST(ForgetMethodLoss, AddsTheWeightedRetainTerm) {
  auto model = tiny_model(1), base = tiny_model(2);
  std::vector<int32_t> stream(200);
  for (size_t i = 0; i < stream.size(); ++i) stream[i] = static_cast<int32_t>((i * 7) % 17);
  auto retain = std::make_shared<train::TokenBlocks>(stream, 8, 3);
  auto forget = torch::tensor({{1, 5, 9, 2, 4, 4, 8, 0}}, torch::kLong);
  torch::NoGradGuard no_grad;
  for (RetainLoss kind : {RetainLoss::nll, RetainLoss::kl}) {
    ForgetLossOptions o{ForgetMethod::npo, 0.1, 0.0, kind, 2.5, 4};
    auto total = ForgetMethodLoss(o, base, retain)(model, forget, 6).item<double>();
    auto retain_tokens = retain->batch(6, 4);
    const double expected = npo_loss(model->forward(forget), base->forward(forget), forget, 0.1).item<double>() +
                            2.5 * retain_term(model, base, retain_tokens, kind).item<double>();
    EXPECT_NEAR(total, expected, 1e-5);
  }
  // The KL retain term vanishes at the base itself; the NLL term is the base's loss.
  EXPECT_NEAR(retain_term(base, base, retain->batch(0, 4), RetainLoss::kl).item<double>(), 0.0, 1e-6);
  EXPECT_THROW(ForgetMethodLoss({ForgetMethod::npo}, nullptr, nullptr), Error);
  ForgetLossOptions needs_retain{ForgetMethod::simnpo, 4.5, 0.0, RetainLoss::nll, 1.0};
  EXPECT_THROW(ForgetMethodLoss(needs_retain, nullptr, nullptr), Error);
}

TEST(TaskVector, MovesTheBaseAwayFromTheReinforcedModel) {
  auto base = tiny_model(1), reinforced = tiny_model(2);
  auto before = base->named_parameters().values();
  std::vector<torch::Tensor> original;
  for (auto& p : before) original.push_back(p.detach().clone());
  negate_task_vector(base, reinforced, 0.5);
  auto after = base->named_parameters(), task = reinforced->named_parameters();
  size_t i = 0;
  for (auto& p : after) {
    auto expected = original[i] - 0.5 * (task[p.key()] - original[i]);
    EXPECT_LE(relative_error(p.value(), expected), 1e-6) << p.key();
    ++i;
  }
}

}  // namespace
}  // namespace lethe::unlearn
