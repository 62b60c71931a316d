// RMU: its loss on hidden states worked out by hand; the residual stream after a layer, the loss
// and its gradient by the trained MLP weights against the PyTorch reference
// (tests/reference/llama_reference.py rmu); which weights it trains; its default layer and steering.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <fmt/core.h>

#include "io/file.h"
#include "io/safetensors.h"
#include "model/checkpoint.h"
#include "model/reference_tensors.h"
#include "test_util.h"
#include "unlearn/rmu.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;
using test::read_tensor;
using test::relative_error;

TEST(Rmu, HandWorkedLoss) {
  // Two positions at 0 against the target (3, 4): each squared error (9 + 16) / 2 = 12.5. The
  // retain position one away from the base in both components: 1, weighted by 2.
  auto h_forget = torch::zeros({1, 2, 2});
  auto target = torch::tensor({3.0f, 4.0f});
  EXPECT_NEAR(rmu_loss(h_forget, target, {}, {}, 0).item<double>(), 12.5, 1e-6);
  auto h_retain = torch::ones({1, 1, 2}), h_base = torch::zeros({1, 1, 2});
  EXPECT_NEAR(rmu_loss(h_forget, target, h_retain, h_base, 2.0).item<double>(), 14.5, 1e-6);
}

TEST(Rmu, DirectionLayerAndSteeringDefaults) {
  auto u = rmu_direction(64, 7);
  EXPECT_NEAR(u.norm().item<double>(), 1.0, 1e-6);
  EXPECT_GE(u.min().item<double>(), 0.0);  // uniform in [0, 1) before normalising
  EXPECT_TRUE(torch::equal(u, rmu_direction(64, 7)));
  EXPECT_FALSE(torch::equal(u, rmu_direction(64, 8)));
  EXPECT_EQ(rmu_layer({}, 32), 8);  // a quarter of the way down
  EXPECT_EQ(rmu_layer({}, 4), 1);
  RmuOptions third;
  third.layer = 3;
  EXPECT_EQ(rmu_layer(third, 4), 3);
  EXPECT_THROW(rmu_layer(third, 3), Error);
}

TEST(Rmu, MatchesPyTorchsLossAndGradient) {
  auto dir = test::scratch_dir();
  fs::create_directories(dir / "base");
  io::write_json_atomic(dir / "base/config.json",
                        {{"model_type", "llama"}, {"vocab_size", 97}, {"hidden_size", 32}, {"intermediate_size", 72},
                         {"num_hidden_layers", 4}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                         {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"tie_word_embeddings", false},
                         {"max_position_embeddings", 128}, {"hidden_act", "silu"}});
  test::run_python("llama_reference.py", "make " + (dir / "base").string() + " 5 F32");
  // The model moved away from the base in its MLPs, so that the retain term is not zero.
  auto base = model::load_causal_lm(dir / "base", torch::kCPU, torch::kFloat);
  auto model = model::load_causal_lm(dir / "base", torch::kCPU, torch::kFloat);
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(1);
    for (auto& p : model->named_parameters())
      if (p.key().find(".mlp.") != std::string::npos) p.value().add_(0.05 * torch::randn_like(p.value()));
  }
  model::save_model(model, dir / "model", torch::kFloat);
  const int64_t layer = 2;
  const double steering = 3.0, alpha = 50.0;
  test::run_python("llama_reference.py", fmt::format("rmu {} {} {} {} {}", (dir / "base").string(),
                                                      (dir / "model").string(), layer, steering, alpha));
  io::SafetensorsReader expected(dir / "model/rmu_expected.safetensors");
  auto forget = read_tensor(expected, "forget"), retain = read_tensor(expected, "retain");
  auto target = read_tensor(expected, "target");

  freeze_all_but_rmu_mlps(model, layer);
  for (const auto& p : model->named_parameters()) {
    const bool trained = p.key().find(".mlp.") != std::string::npos && p.key().find("layers.3.") == std::string::npos;
    EXPECT_EQ(p.value().requires_grad(), trained) << p.key();
  }
  auto h_forget = model->layer_output(forget, layer);
  EXPECT_LE(relative_error(h_forget, read_tensor(expected, "h_forget")), 1e-5);
  torch::Tensor h_base;
  {
    torch::NoGradGuard no_grad;
    h_base = base->layer_output(retain, layer);
  }
  auto loss = rmu_loss(h_forget, target, model->layer_output(retain, layer), h_base, alpha);
  EXPECT_LE(relative_error(loss.reshape({1}), read_tensor(expected, "loss")), 1e-5);
  loss.backward();
  int compared = 0;
  for (const auto& p : model->named_parameters()) {
    if (!p.value().requires_grad()) continue;
    EXPECT_LE(relative_error(p.value().grad(), read_tensor(expected, "grad." + p.key())), 1e-4) << p.key();
    ++compared;
  }
  EXPECT_EQ(compared, 9);  // gate, up and down of layers 0, 1 and 2

  // The Trainer's loss without a retain term: steering 0 takes the mean norm of the base's hidden
  // states on the first forget batch, and the target is that times u.
  RmuOptions defaults;
  defaults.seed = 7;
  RmuLoss trainer_loss(defaults, layer, 0.0, base, nullptr, forget);
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(trainer_loss.steering(), base->layer_output(forget, layer).norm(2, -1).mean().item<double>(), 1e-5);
  auto expected_loss = rmu_loss(model->layer_output(forget, layer), trainer_loss.steering() * rmu_direction(32, 7), {}, {}, 0);
  EXPECT_NEAR(trainer_loss(model, forget, 0).item<double>(), expected_loss.item<double>(), 1e-6);
}

}  // namespace
}  // namespace lethe::unlearn
