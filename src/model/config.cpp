#include "model/config.h"

#include <fmt/core.h>

#include <type_traits>

#include "io/file.h"
#include "util/error.h"

namespace lethe::model {
namespace {

using nlohmann::json;

// Reads one field with a type check; a missing optional field keeps the default.
template <typename T>
void read_field(const json& j, const char* key, T& out, bool required, const std::string& origin) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw Error(fmt::format("{}: missing field '{}'", origin, key));
    return;
  }
  // nlohmann would read 384.5 as 384: an integer field takes integers only.
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    if (it->is_number_float())
      throw Error(fmt::format("{}: field '{}' must be an integer, not {}", origin, key, it->dump()));
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw Error(fmt::format("{}: field '{}' has the wrong type ({})", origin, key, it->type_name()));
  }
}

void require_positive(int64_t value, const char* key, const std::string& origin) {
  if (value <= 0) throw Error(fmt::format("{}: field '{}' must be positive, got {}", origin, key, value));
}

std::optional<RopeScaling> parse_rope_scaling(const json& j, const std::string& origin) {
  auto it = j.find("rope_scaling");
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) throw Error(fmt::format("{}: rope_scaling must be an object", origin));
  const std::string where = origin + ": rope_scaling";
  RopeScaling s;
  std::string key = it->contains("rope_type") ? "rope_type" : "type";
  read_field(*it, key.c_str(), s.type, true, where);
  if (s.type == "default") return std::nullopt;
  if (s.type != "linear" && s.type != "llama3" && s.type != "dynamic" && s.type != "yarn")
    throw Error(fmt::format("{}: rope_scaling type '{}' is not supported (linear, llama3, dynamic, yarn)", origin, s.type));
  read_field(*it, "factor", s.factor, true, where);
  if (s.factor <= 0) throw Error(fmt::format("{}: rope_scaling factor must be positive", origin));
  if (s.type == "llama3") {
    read_field(*it, "low_freq_factor", s.low_freq_factor, true, where);
    read_field(*it, "high_freq_factor", s.high_freq_factor, true, where);
    read_field(*it, "original_max_position_embeddings", s.original_max_position_embeddings, true, where);
    if (s.high_freq_factor <= s.low_freq_factor)
      throw Error(fmt::format("{}: rope_scaling needs high_freq_factor > low_freq_factor", origin));
  }
  if (s.type == "yarn") {
    read_field(*it, "original_max_position_embeddings", s.original_max_position_embeddings, false, where);
    double attention_factor = 0.0;  // absent (or 0): from factor
    read_field(*it, "attention_factor", attention_factor, false, where);
    if (attention_factor != 0.0) s.attention_factor = attention_factor;
    read_field(*it, "beta_fast", s.beta_fast, false, where);
    read_field(*it, "beta_slow", s.beta_slow, false, where);
    read_field(*it, "mscale", s.mscale, false, where);
    read_field(*it, "mscale_all_dim", s.mscale_all_dim, false, where);
    read_field(*it, "truncate", s.truncate, false, where);
    if (s.original_max_position_embeddings < 0 || (s.attention_factor && *s.attention_factor <= 0) ||
        !(s.beta_fast > 0) || !(s.beta_slow > 0))
      throw Error(fmt::format("{}: rope_scaling original_max_position_embeddings, attention_factor, beta_fast and "
                              "beta_slow must be positive", origin));
  }
  return s;
}

std::vector<int64_t> parse_eos(const json& j, const std::string& origin) {
  auto it = j.find("eos_token_id");
  if (it == j.end() || it->is_null()) return {};
  if (it->is_number_integer()) return {it->get<int64_t>()};
  if (it->is_array() && std::all_of(it->begin(), it->end(), [](const json& v) { return v.is_number_integer(); }))
    return it->get<std::vector<int64_t>>();
  throw Error(fmt::format("{}: eos_token_id must be an integer or a list of integers", origin));
}

}  // namespace

ModelConfig parse_model_config(const json& j, const std::string& origin) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected a JSON object", origin));
  ModelConfig c;
  c.source = j;
  read_field(j, "model_type", c.model_type, false, origin);
  if (c.model_type != "llama" && c.model_type != "mistral" && c.model_type != "qwen2")
    throw Error(fmt::format("{}: model_type '{}' is not supported (llama, mistral, qwen2)", origin, c.model_type));
  std::string act = "silu";
  read_field(j, "hidden_act", act, false, origin);
  if (act != "silu") throw Error(fmt::format("{}: hidden_act '{}' is not supported (silu)", origin, act));

  read_field(j, "vocab_size", c.vocab_size, true, origin);
  read_field(j, "hidden_size", c.hidden_size, true, origin);
  read_field(j, "intermediate_size", c.intermediate_size, true, origin);
  read_field(j, "num_hidden_layers", c.num_hidden_layers, true, origin);
  read_field(j, "num_attention_heads", c.num_attention_heads, true, origin);
  c.num_key_value_heads = c.num_attention_heads;
  read_field(j, "num_key_value_heads", c.num_key_value_heads, false, origin);
  read_field(j, "max_position_embeddings", c.max_position_embeddings, false, origin);
  read_field(j, "rms_norm_eps", c.rms_norm_eps, false, origin);
  read_field(j, "rope_theta", c.rope_theta, false, origin);
  read_field(j, "tie_word_embeddings", c.tie_word_embeddings, false, origin);
  read_field(j, "torch_dtype", c.torch_dtype, false, origin);
  read_field(j, "dtype", c.torch_dtype, false, origin);  // newer transformers' name for it
  int64_t bos = -1;
  read_field(j, "bos_token_id", bos, false, origin);
  if (bos >= 0) c.bos_token_id = bos;
  c.eos_token_ids = parse_eos(j, origin);
  c.rope_scaling = parse_rope_scaling(j, origin);

  bool attention_bias = false;
  read_field(j, "attention_bias", attention_bias, false, origin);
  c.qkv_bias = c.model_type == "qwen2" || attention_bias;
  c.o_proj_bias = c.model_type != "qwen2" && attention_bias;
  read_field(j, "mlp_bias", c.mlp_bias, false, origin);

  for (auto [value, key] : {std::pair{c.vocab_size, "vocab_size"}, {c.hidden_size, "hidden_size"},
                            {c.intermediate_size, "intermediate_size"}, {c.num_hidden_layers, "num_hidden_layers"},
                            {c.num_attention_heads, "num_attention_heads"},
                            {c.num_key_value_heads, "num_key_value_heads"},
                            {c.max_position_embeddings, "max_position_embeddings"}})
    require_positive(value, key, origin);
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    throw Error(fmt::format("{}: num_attention_heads ({}) must be a multiple of num_key_value_heads ({})", origin,
                            c.num_attention_heads, c.num_key_value_heads));
  if (j.contains("head_dim") && !j["head_dim"].is_null()) {
    read_field(j, "head_dim", c.head_dim, true, origin);
  } else {
    if (c.hidden_size % c.num_attention_heads != 0)
      throw Error(fmt::format("{}: hidden_size ({}) is not divisible by num_attention_heads ({})", origin,
                              c.hidden_size, c.num_attention_heads));
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  require_positive(c.head_dim, "head_dim", origin);
  if (c.head_dim % 2 != 0) throw Error(fmt::format("{}: head_dim must be even for rotary embeddings", origin));
  if (c.rms_norm_eps <= 0 || c.rope_theta <= 0)
    throw Error(fmt::format("{}: rms_norm_eps and rope_theta must be positive", origin));
  try {
    c.parameter_count();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", origin, e.what()));
  }
  return c;
}

ModelConfig read_model_config(const std::filesystem::path& model_dir) {
  auto path = model_dir / "config.json";
  return parse_model_config(io::read_json(path), path.string());
}

int64_t ModelConfig::parameter_count() const {
  // Checked arithmetic: a config claiming 1e9 layers of width 2e5 must be refused, not wrap around.
  auto mul = [](int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) throw Error("the parameter count overflows 64-bit integers");
    return r;
  };
  auto add = [](int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) throw Error("the parameter count overflows 64-bit integers");
    return r;
  };
  const int64_t q = mul(num_attention_heads, head_dim), kv = mul(num_key_value_heads, head_dim);
  int64_t attention = add(mul(hidden_size, add(q, mul(2, kv))), mul(q, hidden_size));
  if (qkv_bias) attention = add(attention, add(q, mul(2, kv)));
  if (o_proj_bias) attention = add(attention, hidden_size);
  int64_t mlp = mul(3, mul(hidden_size, intermediate_size));
  if (mlp_bias) mlp = add(mlp, add(mul(2, intermediate_size), hidden_size));
  const int64_t layer = add(add(attention, mlp), mul(2, hidden_size));
  const int64_t embeddings = mul(mul(vocab_size, hidden_size), tie_word_embeddings ? 1 : 2);
  return add(add(mul(num_hidden_layers, layer), embeddings), hidden_size);
}

double ModelConfig::forward_flops_per_token(int64_t sequence) const {
  const double d = hidden_size, attention_width = num_attention_heads * head_dim;
  const double kv_width = num_key_value_heads * head_dim;
  const double layer = d * (2 * attention_width + 2 * kv_width) + 3 * d * intermediate_size;
  const double matmul_params = num_hidden_layers * layer + vocab_size * d;
  return 2.0 * matmul_params + 4.0 * num_hidden_layers * sequence * attention_width;
}

nlohmann::json ModelConfig::to_json() const {
  json j = source.is_object() ? source : json::object();
  j["architectures"] = {model_type == "qwen2" ? "Qwen2ForCausalLM"
                                              : model_type == "mistral" ? "MistralForCausalLM" : "LlamaForCausalLM"};
  j["model_type"] = model_type;
  j["hidden_act"] = "silu";
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["intermediate_size"] = intermediate_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["num_key_value_heads"] = num_key_value_heads;
  if (head_dim != hidden_size / num_attention_heads) j["head_dim"] = head_dim;
  j["max_position_embeddings"] = max_position_embeddings;
  j["rms_norm_eps"] = rms_norm_eps;
  j["rope_theta"] = rope_theta;
  j["tie_word_embeddings"] = tie_word_embeddings;
  j["torch_dtype"] = torch_dtype;
  if (j.contains("dtype")) j["dtype"] = torch_dtype;
  if (model_type != "qwen2") j["attention_bias"] = o_proj_bias;
  if (mlp_bias) j["mlp_bias"] = true;
  if (bos_token_id) j["bos_token_id"] = *bos_token_id;
  if (eos_token_ids.size() == 1) j["eos_token_id"] = eos_token_ids[0];
  if (eos_token_ids.size() > 1) j["eos_token_id"] = eos_token_ids;
  if (rope_scaling) {
    json s = {{"rope_type", rope_scaling->type}, {"factor", rope_scaling->factor}};
    const RopeScaling& r = *rope_scaling;
    if (r.type == "llama3") {
      s["low_freq_factor"] = r.low_freq_factor;
      s["high_freq_factor"] = r.high_freq_factor;
    }
    if (r.original_max_position_embeddings > 0) s["original_max_position_embeddings"] = r.original_max_position_embeddings;
    if (r.type == "yarn") {
      if (r.attention_factor) s["attention_factor"] = *r.attention_factor;
      s.update({{"beta_fast", r.beta_fast}, {"beta_slow", r.beta_slow}, {"truncate", r.truncate}});
      if (r.mscale != 0) s["mscale"] = r.mscale;
      if (r.mscale_all_dim != 0) s["mscale_all_dim"] = r.mscale_all_dim;
    }
    j["rope_scaling"] = s;
  }
  return j;
}

}  // namespace lethe::model
