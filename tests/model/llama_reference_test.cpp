// lethe's model against an independent PyTorch implementation (tests/reference/llama_reference.py)
// on tiny random checkpoints that the reference writes: logits, loss, gradients of every
// parameter, greedy generation, and a save that reproduces the checkpoint bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "io/file.h"
#include "io/safetensors.h"
#include "model/checkpoint.h"
#include "model/generate.h"
#include "model/reference_tensors.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::model {
namespace {

using nlohmann::json;
using test::read_tensor;
using test::relative_error;

// Tolerances, as norm-wise relative errors ||lethe - reference|| / ||reference||.
constexpr double kLogitsTolerance = 1e-4;
constexpr double kGradientTolerance = 1e-3;
constexpr double kLossTolerance = 1e-5;
constexpr double kBFloat16LogitsTolerance = 5e-2;

json base_config() {
  return {{"model_type", "llama"}, {"vocab_size", 97}, {"hidden_size", 32}, {"intermediate_size", 72},
          {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
          {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"tie_word_embeddings", false},
          {"max_position_embeddings", 128}, {"hidden_act", "silu"}};
}

struct Variant {
  std::string name;
  json config;
  std::string dtype;  // of the checkpoint: F32, BF16, F16
};
void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

std::vector<Variant> variants() {
  std::vector<Variant> v;
  v.push_back({"gqa_untied", base_config(), "F32"});
  json tied = base_config();
  tied["num_key_value_heads"] = 4;
  tied["tie_word_embeddings"] = true;
  v.push_back({"mha_tied", tied, "F32"});
  json qwen = base_config();
  qwen["model_type"] = "qwen2";
  qwen["num_key_value_heads"] = 1;
  qwen["tie_word_embeddings"] = true;
  v.push_back({"qwen2_bias", qwen, "F32"});
  json llama3 = base_config();
  llama3["hidden_size"] = 64;  // head_dim 16: some frequencies kept, some blended, some scaled
  llama3["rope_theta"] = 500000.0;
  llama3["attention_bias"] = true;
  llama3["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                            {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 256}};
  v.push_back({"llama3_rope_bias", llama3, "F32"});
  json yarn = base_config();
  yarn["model_type"] = "qwen2";  // Qwen2's long-context configs use yarn
  yarn["hidden_size"] = 64;      // head_dim 16: dimension 0 kept, 1 and 2 blended, 3 to 7 scaled
  yarn["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32},
                          {"beta_fast", 4.0}, {"beta_slow", 0.25}, {"truncate", false}};
  v.push_back({"qwen2_yarn", yarn, "F32"});
  json explicit_head_dim = base_config();
  explicit_head_dim["head_dim"] = 12;
  explicit_head_dim["mlp_bias"] = true;
  explicit_head_dim["dtype"] = "float32";  // the newer name of torch_dtype
  v.push_back({"head_dim_12_mlp_bias", explicit_head_dim, "F32"});
  v.push_back({"bf16_weights", base_config(), "BF16"});
  v.push_back({"f16_weights", base_config(), "F16"});
  return v;
}

// Logits, loss and every parameter's gradient against the reference's, whose names in expected
// start with prefix. mask undefined: no padding.
void expect_training_matches(CausalLM& model, const torch::Tensor& tokens, const torch::Tensor& mask,
                             const io::SafetensorsReader& expected, const std::string& prefix) {
  for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();
  auto logits = model->forward(tokens, mask);
  EXPECT_LE(relative_error(logits, read_tensor(expected, prefix + "logits")), kLogitsTolerance);

  auto loss = next_token_loss(logits, tokens, mask);
  double expected_loss = read_tensor(expected, prefix + "loss").item<double>();
  EXPECT_NEAR(loss.item<double>(), expected_loss, kLossTolerance * std::abs(expected_loss));

  loss.backward();
  int checked = 0;
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_LE(relative_error(p.value().grad(), read_tensor(expected, prefix + "grad." + p.key())),
              kGradientTolerance)
        << p.key();
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(model->named_parameters().size()));
}

class LlamaReference : public ::testing::TestWithParam<Variant> {};

TEST_P(LlamaReference, MatchesPyTorchReference) {
  const Variant& variant = GetParam();
  auto dir = test::scratch_dir();
  io::write_json_atomic(dir / "config.json", variant.config);
  test::run_python("llama_reference.py", "make " + dir.string() + " 1234 " + variant.dtype);
  test::run_python("llama_reference.py", "run " + dir.string());
  io::SafetensorsReader expected(dir / "expected.safetensors");
  io::SafetensorsReader inputs(dir / "inputs.safetensors");
  auto tokens = read_tensor(inputs, "tokens");
  auto mask = read_tensor(inputs, "mask");

  torch::manual_seed(0);
  auto model = load_causal_lm(dir, torch::kCPU, torch::kFloat);
  {
    SCOPED_TRACE("padded batch");
    expect_training_matches(model, tokens, mask, expected, "");
  }
  {
    // Without a mask, attention takes its causal fast path (model/causal_attention.h).
    SCOPED_TRACE("unpadded batch");
    expect_training_matches(model, tokens, torch::Tensor(), expected, "unpadded.");
  }

  // Greedy decoding: KV cache, full recomputation and the reference agree token for token.
  auto prompt = tokens.narrow(0, 0, 1).narrow(1, 0, 5);  // (1,5)
  std::vector<int32_t> prompt_ids(prompt.data_ptr<int64_t>(), prompt.data_ptr<int64_t>() + 5);
  GenerateOptions options;
  options.max_new_tokens = 12;
  auto cached = generate(model, {prompt_ids}, options)[0];
  auto reference = read_tensor(expected, "greedy");
  std::vector<int32_t> reference_ids(reference.data_ptr<int64_t>(), reference.data_ptr<int64_t>() + 12);
  EXPECT_EQ(cached, reference_ids);
  torch::NoGradGuard no_grad;
  auto sequence = prompt.clone();
  std::vector<int32_t> recomputed;
  for (int i = 0; i < 12; ++i) {
    auto next = model->forward(sequence).select(1, sequence.size(1) - 1).argmax(-1, true);  // (1,1)
    recomputed.push_back(static_cast<int32_t>(next.item<int64_t>()));
    sequence = torch::cat({sequence, next}, 1);
  }
  EXPECT_EQ(recomputed, reference_ids);

  // Saving in the checkpoint's dtype reproduces every tensor bit for bit (read by the reference).
  auto saved = dir / "saved";
  save_model(model, saved, variant.dtype == "BF16" ? torch::kBFloat16 : variant.dtype == "F16" ? torch::kHalf : torch::kFloat);
  test::run_python("llama_reference.py", "compare " + dir.string() + " " + saved.string());
  auto reloaded = load_causal_lm(saved, torch::kCPU, torch::kFloat);
  EXPECT_TRUE(torch::equal(reloaded->forward(tokens, mask), model->forward(tokens, mask)));

  // Computing in bfloat16 stays close to the float32 reference (bf16 keeps 8 bits of mantissa).
  auto bf16 = load_causal_lm(dir, torch::kCPU, torch::kBFloat16);
  EXPECT_LE(relative_error(bf16->forward(tokens, mask).to(torch::kFloat), read_tensor(expected, "logits")),
            kBFloat16LogitsTolerance);
}

// Dynamic NTK scaling changes nothing within max_position_embeddings (lethe's commands stay
// there) and raises rope_theta with the sequence past it: 13 tokens against a context of 8.
TEST(LlamaReferenceDynamicRope, MatchesPyTorchReferencePastTheContext) {
  json config = base_config();
  config["max_position_embeddings"] = 8;
  config["rope_scaling"] = {{"rope_type", "dynamic"}, {"factor", 2.0}};
  auto dir = test::scratch_dir();
  io::write_json_atomic(dir / "config.json", config);
  test::run_python("llama_reference.py", "make " + dir.string() + " 99 F32");
  test::run_python("llama_reference.py", "run " + dir.string());
  io::SafetensorsReader expected(dir / "expected.safetensors");
  io::SafetensorsReader inputs(dir / "inputs.safetensors");
  auto model = load_causal_lm(dir, torch::kCPU, torch::kFloat);
  expect_training_matches(model, read_tensor(inputs, "tokens"), read_tensor(inputs, "mask"), expected, "");
  expect_training_matches(model, read_tensor(inputs, "tokens"), torch::Tensor(), expected, "unpadded.");
  auto plain = parse_model_config(base_config(), "plain");
  auto dynamic = parse_model_config(config, "dynamic");
  EXPECT_TRUE(torch::equal(rotary_inverse_frequencies(dynamic, 8), rotary_inverse_frequencies(plain)));
  EXPECT_FALSE(torch::allclose(rotary_inverse_frequencies(dynamic, 13), rotary_inverse_frequencies(plain)));
}

// yarn's attention factor: 0.1 ln(factor) + 1, the ratio of two with mscale and mscale_all_dim,
// or as given; 1 for every other rope.
TEST(RotaryAttentionFactor, FollowsYarnsDefinition) {
  json config = base_config();
  config["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}};
  EXPECT_NEAR(rotary_attention_factor(parse_model_config(config, "yarn")), 0.1 * std::log(4.0) + 1, 1e-12);
  config["rope_scaling"]["mscale"] = 1.0;
  config["rope_scaling"]["mscale_all_dim"] = 0.5;
  EXPECT_NEAR(rotary_attention_factor(parse_model_config(config, "yarn")),
              (0.1 * std::log(4.0) + 1) / (0.05 * std::log(4.0) + 1), 1e-12);
  config["rope_scaling"]["attention_factor"] = 0.75;
  EXPECT_EQ(rotary_attention_factor(parse_model_config(config, "yarn")), 0.75);
  EXPECT_EQ(rotary_attention_factor(parse_model_config(base_config(), "plain")), 1.0);
  config["rope_scaling"] = {{"type", "longrope"}, {"factor", 4.0}};
  EXPECT_THROW(parse_model_config(config, "longrope"), Error);
}

INSTANTIATE_TEST_SUITE_P(Variants, LlamaReference, ::testing::ValuesIn(variants()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lethe::model
