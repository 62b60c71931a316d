// The tensors expected from a config alone are exactly the parameters the module registers, for
// every architecture variant; a store is checked against them.
#include <gtest/gtest.h>

#include <map>

#include "model/expected_tensors.h"
#include "model/llama.h"

namespace lethe::model {
namespace {

ModelConfig config_with(nlohmann::json extra) {
  nlohmann::json j = {{"vocab_size", 40}, {"hidden_size", 24}, {"intermediate_size", 40},
                      {"num_hidden_layers", 3}, {"num_attention_heads", 6}, {"num_key_value_heads", 2}};
  j.update(extra);
  return parse_model_config(j, "test");
}

TEST(ExpectedTensors, AreTheModulesParametersForEveryVariant) {
  for (const auto& extra : std::vector<nlohmann::json>{
           {{"tie_word_embeddings", true}},
           {{"tie_word_embeddings", false}},
           {{"model_type", "qwen2"}},
           {{"attention_bias", true}},
           {{"mlp_bias", true}},
           {{"head_dim", 8}, {"num_key_value_heads", 6}}}) {
    auto config = config_with(extra);
    std::map<std::string, std::vector<int64_t>> expected, registered;
    for_each_expected_tensor(config, [&](const std::string& name, const std::vector<int64_t>& shape) {
      expected[name] = shape;
      return true;
    });
    CausalLM model(config);
    for (const auto& p : model->named_parameters()) registered[p.key()] = p.value().sizes().vec();
    EXPECT_EQ(expected, registered) << extra.dump();
  }
}

TEST(ExpectedTensors, StopWhenTheVisitorSaysSo) {
  auto config = config_with({{"num_hidden_layers", 1000000000}});
  int64_t visited = 0;
  for_each_expected_tensor(config, [&](const std::string&, const std::vector<int64_t>&) { return ++visited < 5; });
  EXPECT_EQ(visited, 5);
}

}  // namespace
}  // namespace lethe::model
