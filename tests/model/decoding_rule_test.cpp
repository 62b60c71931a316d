// The paper's rule at decoding time (MUSE's WHP): a decoding-rule directory loads the base with the
// reinforced model attached, its logits are z - alpha ReLU(z_reinforced - z) of the two models'
// own forwards, generation with both KV caches picks the tokens a full recomputation picks, and
// its hash follows alpha and both models.
#include <gtest/gtest.h>
#include <fmt/core.h>
#include <torch/torch.h>

#include "io/file.h"
#include "io/safetensors.h"
#include "model/checkpoint.h"
#include "model/generate.h"
#include "model/reference_tensors.h"
#include "test_util.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace lethe::model {
namespace {

namespace fs = std::filesystem;

TEST(DecodingRule, LogitsFollowTheRuleAndCachedGenerationAgrees) {
  auto dir = test::scratch_dir();
  for (const auto& [name, seed] : {std::pair{"base", 5}, std::pair{"reinforced", 6}}) {
    fs::create_directories(dir / name);
    io::write_json_atomic(dir / name / "config.json",
                          {{"model_type", "llama"}, {"vocab_size", 97}, {"hidden_size", 32}, {"intermediate_size", 72},
                           {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                           {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}, {"tie_word_embeddings", false},
                           {"max_position_embeddings", 128}, {"hidden_act", "silu"}});
    test::run_python("llama_reference.py", fmt::format("make {} {} F32", (dir / name).string(), seed));
  }
  io::SafetensorsReader inputs(dir / "base/inputs.safetensors");
  auto tokens = test::read_tensor(inputs, "tokens"), mask = test::read_tensor(inputs, "mask");
  auto base = load_causal_lm(dir / "base", torch::kCPU, torch::kFloat);
  auto reinforced = load_causal_lm(dir / "reinforced", torch::kCPU, torch::kFloat);
  torch::NoGradGuard no_grad;
  auto z = base->forward(tokens, mask), z_reinforced = reinforced->forward(tokens, mask);  // (B,T,V)
  auto expected = z - 2.5 * torch::relu(z_reinforced - z);

  save_decoding_rule(dir / "rule", dir / "base", dir / "reinforced", 2.5);
  auto rule = load_causal_lm(dir / "rule", torch::kCPU, torch::kFloat);
  EXPECT_LE(test::relative_error(rule->forward(tokens, mask), expected), 1e-6);
  EXPECT_GT(test::relative_error(expected, z), 1e-2);  // the rule changes the logits

  GenerateOptions greedy;
  greedy.max_new_tokens = 8;
  const std::vector<std::vector<int32_t>> prompts = {{3, 5, 7, 11}, {2, 4}};
  auto generated = generate(rule, prompts, greedy);
  for (size_t b = 0; b < prompts.size(); ++b) {
    std::vector<int64_t> sequence(prompts[b].begin(), prompts[b].end());
    for (int step = 0; step < 8; ++step) {
      auto logits = rule->forward(torch::tensor(sequence).unsqueeze(0));  // (1,T,V), recomputed
      sequence.push_back(logits[0][-1].argmax().item<int64_t>());
    }
    EXPECT_EQ(std::vector<int64_t>(generated[b].begin(), generated[b].end()),
              std::vector<int64_t>(sequence.begin() + prompts[b].size(), sequence.end()))
        << "prompt " << b;
  }

  const auto hash = util::hash_model_dir(dir / "rule");
  save_decoding_rule(dir / "rule", dir / "base", dir / "reinforced", 3.0);
  EXPECT_NE(util::hash_model_dir(dir / "rule"), hash);
  io::write_json_atomic(dir / "rule" / kDecodingRuleFile, {{"base", (dir / "base").string()}, {"reinforced", 3}});
  try {
    load_causal_lm(dir / "rule", torch::kCPU, torch::kFloat);
    FAIL() << "a rule without its alpha and reinforced model was loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(kDecodingRuleFile), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lethe::model
