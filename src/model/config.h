#pragma once
// The architecture of a Llama-family model, read from a Hugging Face config.json with its own
// field names. Covers Llama 2/3, Mistral, Qwen2, TinyLlama, SmolLM: RMSNorm, rotary embeddings
// (rope_theta; "linear", "llama3", "dynamic" and "yarn" rope_scaling), grouped-query attention, SwiGLU, optional
// attention and MLP biases, tied or separate embeddings.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lethe::model {

// rope_scaling as Hugging Face's transformers defines each type (modeling_rope_utils.py).
struct RopeScaling {
  std::string type;  // "linear", "llama3", "dynamic" (NTK-aware, beyond the context) or "yarn"
  double factor = 1.0;
  double low_freq_factor = 1.0;                   // llama3
  double high_freq_factor = 4.0;                  // llama3
  int64_t original_max_position_embeddings = 0;   // llama3; yarn (0: max_position_embeddings)
  // yarn: cos and sin are multiplied by attention_factor, by default 0.1 ln(factor) + 1 (or the
  // ratio of two such terms with mscale and mscale_all_dim); the frequencies blend from kept to
  // divided by factor between the dimensions that turn beta_fast and beta_slow times in the
  // original context (floor and ceil of them with truncate).
  std::optional<double> attention_factor;
  double beta_fast = 32.0, beta_slow = 1.0;
  double mscale = 0.0, mscale_all_dim = 0.0;
  bool truncate = true;
};

struct ModelConfig {
  std::string model_type = "llama";
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;
  int64_t max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  std::optional<RopeScaling> rope_scaling;
  bool tie_word_embeddings = false;
  bool qkv_bias = false;     // Qwen2 always; Llama with attention_bias
  bool o_proj_bias = false;  // Llama with attention_bias
  bool mlp_bias = false;     // Llama's mlp_bias: biases on gate, up and down
  std::string torch_dtype = "float32";
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;

  nlohmann::json source;  // the file as read, so that unknown fields survive a save

  // Parameters, counting tied embeddings once.
  int64_t parameter_count() const;
  // FLOPs of one token's forward pass in a sequence of `sequence` tokens: 2 per multiply-add of
  // every matrix product (layers and output projection) plus attention's two T x T products
  // (over all T, as the kernels compute them). Training costs three times this.
  double forward_flops_per_token(int64_t sequence) const;
  nlohmann::json to_json() const;
};

// Parses and validates config.json; errors name the file and the field.
ModelConfig parse_model_config(const nlohmann::json& json, const std::string& origin);
ModelConfig read_model_config(const std::filesystem::path& model_dir);

}  // namespace lethe::model
