// The sharpness-aware step against the PyTorch reference (tests/reference/llama_reference.py sam):
// the gradient taken at the moved weights, the weights put back exactly, and the AdamW step that
// applies it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "io/file.h"
#include "io/safetensors.h"
#include "model/checkpoint.h"
#include "model/reference_tensors.h"
#include "test_util.h"
#include "train/sharpness_aware.h"

namespace lethe::train {
namespace {

using test::read_tensor;
using test::relative_error;


TEST(SharpnessAware, MatchesPyTorchsStep) {
  auto dir = test::scratch_dir();
  io::write_json_atomic(dir / "config.json",
                        {{"model_type", "llama"}, {"vocab_size", 97}, {"hidden_size", 32}, {"intermediate_size", 72},
                         {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                         {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"tie_word_embeddings", false},
                         {"max_position_embeddings", 128}, {"hidden_act", "silu"}});
  test::run_python("llama_reference.py", "make " + dir.string() + " 5 F32");
  test::run_python("llama_reference.py", "sam " + dir.string() + " 0.05 0.001");
  io::SafetensorsReader inputs(dir / "inputs.safetensors"), expected(dir / "sam_expected.safetensors");
  auto tokens = read_tensor(inputs, "tokens"), mask = read_tensor(inputs, "mask");
  auto model = model::load_causal_lm(dir, torch::kCPU, torch::kFloat);
  model->train();
  auto parameters = model->parameters();
  auto named = model->named_parameters();  // the same order
  auto accumulate = [&] {
    auto loss = model::next_token_loss(model->forward(tokens, mask), tokens, mask);
    loss.backward();
    return loss.item<double>();
  };
  std::vector<torch::Tensor> plain_gradients, before;
  accumulate();
  for (auto& p : parameters) {
    plain_gradients.push_back(p.grad().clone());
    before.push_back(p.detach().clone());
    p.mutable_grad() = torch::Tensor();
  }

  sharpness_aware_gradient(parameters, 0.05, accumulate);
  double moved = 0;  // how far the sharpness-aware gradient is from the plain one
  for (size_t i = 0; i < parameters.size(); ++i) {
    const std::string& name = named[i].key();
    EXPECT_TRUE(torch::equal(parameters[i], before[i])) << name << ": the weights are put back exactly";
    EXPECT_LE(relative_error(parameters[i].grad(), read_tensor(expected, "grad." + name)), 1e-4) << name;
    moved = std::max(moved, relative_error(parameters[i].grad(), plain_gradients[i]));
  }
  EXPECT_GT(moved, 1e-3);

  torch::optim::AdamW adamw(parameters, torch::optim::AdamWOptions(0.001).betas({0.9, 0.95}).weight_decay(0.1));
  adamw.step();
  for (size_t i = 0; i < parameters.size(); ++i) {
    const std::string& name = named[i].key();
    EXPECT_LE(relative_error(parameters[i].detach(), read_tensor(expected, "updated." + name)), 1e-6) << name;
  }
}

}  // namespace
}  // namespace lethe::train
