#include "model/expected_tensors.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "util/error.h"

namespace lethe::model {

void for_each_expected_tensor(const ModelConfig& c,
                              const std::function<bool(const std::string&, const std::vector<int64_t>&)>& visit) {
  const int64_t d = c.hidden_size, q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  if (!visit("model.embed_tokens.weight", {c.vocab_size, d})) return;
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    const std::string prefix = fmt::format("model.layers.{}.", layer);
    std::vector<std::pair<std::string, std::vector<int64_t>>> tensors = {
        {"self_attn.q_proj.weight", {q, d}},       {"self_attn.k_proj.weight", {kv, d}},
        {"self_attn.v_proj.weight", {kv, d}},      {"self_attn.o_proj.weight", {d, q}},
        {"mlp.gate_proj.weight", {c.intermediate_size, d}}, {"mlp.up_proj.weight", {c.intermediate_size, d}},
        {"mlp.down_proj.weight", {d, c.intermediate_size}}, {"input_layernorm.weight", {d}},
        {"post_attention_layernorm.weight", {d}}};
    if (c.qkv_bias)
      tensors.insert(tensors.end(), {{"self_attn.q_proj.bias", {q}}, {"self_attn.k_proj.bias", {kv}},
                                     {"self_attn.v_proj.bias", {kv}}});
    if (c.o_proj_bias) tensors.push_back({"self_attn.o_proj.bias", {d}});
    if (c.mlp_bias)
      tensors.insert(tensors.end(), {{"mlp.gate_proj.bias", {c.intermediate_size}},
                                     {"mlp.up_proj.bias", {c.intermediate_size}}, {"mlp.down_proj.bias", {d}}});
    for (const auto& [name, shape] : tensors)
      if (!visit(prefix + name, shape)) return;
  }
  if (!visit("model.norm.weight", {d})) return;
  if (!c.tie_word_embeddings) visit("lm_head.weight", {c.vocab_size, d});
}

void check_tensors(const ModelConfig& config, const io::TensorStore& store, const std::filesystem::path& model_dir) {
  std::set<std::string> expected;
  for_each_expected_tensor(config, [&](const std::string& name, const std::vector<int64_t>& shape) {
    const io::StoredTensor* stored = store.find(name);
    if (stored == nullptr)
      throw Error(fmt::format("{}: tensor '{}' is missing (config.json: {} layers, hidden size {})",
                              model_dir.string(), name, config.num_hidden_layers, config.hidden_size));
    const auto dtype = stored->info->dtype;
    if (dtype != io::DType::F32 && dtype != io::DType::F16 && dtype != io::DType::BF16)
      throw Error(fmt::format("{}: tensor '{}' has dtype {}, not a floating-point weight type (F32, F16, BF16)",
                              stored->file->path().string(), name, io::dtype_name(dtype)));
    if (stored->info->shape != shape)
      throw Error(fmt::format("{}: tensor '{}' has shape {}, the config needs {}", stored->file->path().string(), name,
                              fmt::join(stored->info->shape, "x"), fmt::join(shape, "x")));
    expected.insert(name);
    return true;
  });
  for (const auto& name : store.names()) {
    const bool ignorable = name.find("rotary_emb.inv_freq") != std::string::npos ||
                           (name == "lm_head.weight" && config.tie_word_embeddings);
    if (!expected.count(name) && !ignorable)
      throw Error(fmt::format("{}: unexpected tensor '{}' for this config (config.json: {} layers)",
                              model_dir.string(), name, config.num_hidden_layers));
  }
}

}  // namespace lethe::model
