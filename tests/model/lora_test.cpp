// LoRA adapters: a fresh adapter leaves the model as it was and only the adapters train; their
// gradients and the merged weights W + (alpha/r) B A against the PyTorch reference
// (tests/reference/llama_reference.py), which reads the adapter directory by PEFT's own key names
// and adapter_config.json; frozen weights in bfloat16 under float32 adapters; bad settings refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "io/file.h"
#include "io/safetensors.h"
#include "model/checkpoint.h"
#include "model/lora.h"
#include "model/reference_tensors.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::model {
namespace {

namespace fs = std::filesystem;
using test::read_tensor;
using test::relative_error;

// A random checkpoint and inputs written by the reference.
fs::path reference_model() {
  auto dir = test::scratch_dir();
  io::write_json_atomic(dir / "config.json",
                        {{"model_type", "llama"}, {"vocab_size", 97}, {"hidden_size", 32}, {"intermediate_size", 72},
                         {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                         {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"tie_word_embeddings", false},
                         {"max_position_embeddings", 128}, {"hidden_act", "silu"}});
  test::run_python("llama_reference.py", "make " + dir.string() + " 77 F32");
  return dir;
}

// The reference's checkpoint loaded in `dtype`, and its padded inputs.
struct ReferenceRun {
  fs::path dir;
  CausalLM model{nullptr};
  torch::Tensor tokens, mask;
};

ReferenceRun reference_run(torch::Dtype dtype = torch::kFloat) {
  ReferenceRun run;
  run.dir = reference_model();
  io::SafetensorsReader inputs(run.dir / "inputs.safetensors");
  run.tokens = read_tensor(inputs, "tokens");
  run.mask = read_tensor(inputs, "mask");
  run.model = load_causal_lm(run.dir, torch::kCPU, dtype);
  return run;
}

LoraOptions options(std::vector<std::string> targets) {
  LoraOptions o;
  o.rank = 4;
  o.alpha = 6.0;  // scale 1.5
  o.targets = std::move(targets);
  return o;
}

TEST(Lora, AFreshAdapterChangesNothingAndOnlyAdaptersTrain) {
  auto [dir, model, tokens, mask] = reference_run();
  torch::NoGradGuard no_grad;
  auto before = model->forward(tokens, mask);
  add_lora(model, options({"q_proj", "down_proj"}), 5);
  EXPECT_TRUE(torch::equal(model->forward(tokens, mask), before));  // B = 0
  int64_t trainable = 0;
  for (const auto& p : model->named_parameters())
    if (p.value().requires_grad()) {
      EXPECT_NE(p.key().find(".lora."), std::string::npos) << p.key();
      trainable += p.value().numel();
    }
  // Per layer: q_proj (4x32 + 32x4) and down_proj (4x72 + 32x4).
  EXPECT_EQ(trainable, 2 * (4 * 32 + 32 * 4 + 4 * 72 + 32 * 4));
}

TEST(Lora, GradientsAndMergeMatchPyTorchThroughThePeftDirectory) {
  auto [dir, model, tokens, mask] = reference_run();
  auto o = options({"q_proj", "v_proj", "o_proj", "gate_proj", "down_proj"});
  add_lora(model, o, 5);
  {
    torch::NoGradGuard no_grad;  // B away from zero, so that A's gradient is not zero too
    for (const auto& p : model->named_parameters())
      if (p.key().size() > 2 && p.key().compare(p.key().size() - 2, 2, ".B") == 0) p.value().normal_(0, 0.1);
  }
  auto adapter_dir = dir / "adapter";
  save_peft_adapter(model, o, adapter_dir, dir.string());
  test::run_python("llama_reference.py", "lora " + dir.string() + " " + adapter_dir.string());
  io::SafetensorsReader expected(dir / "lora_expected.safetensors");

  auto loss = next_token_loss(model->forward(tokens, mask), tokens, mask);
  const double expected_loss = read_tensor(expected, "loss").item<double>();
  EXPECT_NEAR(loss.item<double>(), expected_loss, 1e-5 * expected_loss);
  loss.backward();
  int checked = 0;
  for (const auto& p : model->named_parameters()) {
    if (!p.value().requires_grad()) {
      EXPECT_FALSE(p.value().grad().defined()) << p.key();  // no gradient is computed for frozen weights
      continue;
    }
    // "model.layers.0.self_attn.q_proj.lora.A" -> PEFT's "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"
    std::string key = p.key();
    key = "base_model.model." + key.substr(0, key.size() - 7) + ".lora_" + key.back() + ".weight";
    EXPECT_LE(relative_error(p.value().grad(), read_tensor(expected, "grad." + key)), 1e-4) << key;
    ++checked;
  }
  EXPECT_EQ(checked, 2 * 5 * 2);  // 2 layers, 5 targets, A and B

  merge_lora(model);
  auto merged = dir / "merged";
  save_model(model, merged, torch::kFloat);
  io::SafetensorsReader written(merged / "model.safetensors");
  int merged_checked = 0;
  for (const auto& info : written.tensors()) {
    EXPECT_EQ(info.name.find("lora"), std::string::npos) << info.name;  // a plain Hugging Face checkpoint
    if (expected.find("merged." + info.name) == nullptr) continue;
    EXPECT_LE(relative_error(read_tensor(written, info.name), read_tensor(expected, "merged." + info.name)), 1e-6)
        << info.name;
    ++merged_checked;
  }
  EXPECT_EQ(merged_checked, 2 * 5);
  for (const auto& p : model->parameters()) EXPECT_TRUE(p.requires_grad());
}

// Adapters under activation checkpointing get the gradients of the plain backward.
TEST(Lora, ActivationCheckpointingGivesTheSameAdapterGradients) {
  auto [dir, model, tokens, mask] = reference_run();
  add_lora(model, options({"q_proj", "down_proj"}), 5);
  {
    torch::NoGradGuard no_grad;
    for (const auto& p : model->parameters())
      if (p.requires_grad()) p.normal_(0, 0.1);
  }
  auto gradients = [&](bool checkpoint) {
    model->set_activation_checkpointing(checkpoint);
    for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();
    next_token_loss(model->forward(tokens, mask), tokens, mask).backward();
    std::vector<torch::Tensor> out;
    for (const auto& p : model->parameters())
      if (p.requires_grad()) out.push_back(p.grad().clone());
    return out;
  };
  auto plain = gradients(false), checkpointed = gradients(true);
  ASSERT_EQ(plain.size(), checkpointed.size());
  for (size_t i = 0; i < plain.size(); ++i) EXPECT_LE(relative_error(checkpointed[i], plain[i]), 1e-6) << i;
}

TEST(Lora, ThePeftDirectoryHoldsWhatPeftWrites) {
  auto dir = reference_model();
  auto model = load_causal_lm(dir, torch::kCPU, torch::kFloat);
  auto o = options({"k_proj", "up_proj"});
  o.dropout = 0.05;
  add_lora(model, o, 5);
  save_peft_adapter(model, o, dir / "adapter", "meta-llama/Llama-2-7b-hf");
  auto config = io::read_json(dir / "adapter" / "adapter_config.json");
  EXPECT_EQ(config["peft_type"], "LORA");
  EXPECT_EQ(config["task_type"], "CAUSAL_LM");
  EXPECT_EQ(config["base_model_name_or_path"], "meta-llama/Llama-2-7b-hf");
  EXPECT_EQ(config["r"], 4);
  EXPECT_EQ(config["lora_alpha"], 6.0);
  EXPECT_EQ(config["lora_dropout"], 0.05);
  EXPECT_EQ(config["target_modules"], nlohmann::json({"k_proj", "up_proj"}));
  EXPECT_EQ(config["bias"], "none");
  io::SafetensorsReader adapter(dir / "adapter" / "adapter_model.safetensors");
  EXPECT_EQ(adapter.metadata().at("format"), "pt");
  ASSERT_EQ(adapter.tensors().size(), 2u * 2 * 2);
  const io::TensorInfo* a = adapter.find("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight");
  const io::TensorInfo* b = adapter.find("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{4, 32}));  // (r, in): k_proj reads the hidden state
  EXPECT_EQ(b->shape, (std::vector<int64_t>{72, 4}));  // (out, r): up_proj writes the intermediate size
  EXPECT_EQ(a->dtype, io::DType::F32);
}

TEST(Lora, FrozenBfloat16WeightsTrainFloat32Adapters) {
  auto [dir, model, tokens, mask] = reference_run(torch::kBFloat16);
  add_lora(model, options({"q_proj", "up_proj"}), 5);
  auto loss = next_token_loss(model->forward(tokens, mask), tokens, mask);
  loss.backward();
  for (const auto& p : model->named_parameters()) {
    if (!p.value().requires_grad()) {
      EXPECT_EQ(p.value().scalar_type(), torch::kBFloat16) << p.key();
      continue;
    }
    EXPECT_EQ(p.value().scalar_type(), torch::kFloat) << p.key();
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_EQ(p.value().grad().scalar_type(), torch::kFloat) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
  }
}

TEST(Lora, BadSettingsAreRefused) {
  auto dir = reference_model();
  auto model = load_causal_lm(dir, torch::kCPU, torch::kFloat);
  EXPECT_THROW(add_lora(model, options({"qkv_proj"}), 1), Error);
  auto zero_rank = options({"q_proj"});
  zero_rank.rank = 0;
  EXPECT_THROW(add_lora(model, zero_rank, 1), Error);
  EXPECT_THROW(save_peft_adapter(model, options({"q_proj"}), dir / "none", "base"), Error);  // no adapters
}

}  // namespace
}  // namespace lethe::model
