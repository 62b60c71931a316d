#include "export/gguf_export.h"

#include <fmt/format.h>

#include <fstream>

#include "export/ggml_encode.h"
#include "export/gguf_vocabulary.h"
#include "io/file.h"
#include "io/tensor_store.h"
#include "model/checkpoint.h"
#include "model/config.h"
#include "model/expected_tensors.h"
#include "model/llama.h"
#include "util/content_hash.h"
#include "util/error.h"
#include "util/progress.h"

namespace lethe::exporting {
namespace {

namespace fs = std::filesystem;
using io::GgmlType;
using io::GgufValueType;

// A tensor of the GGUF file and where its values come from.
struct PlannedTensor {
  std::string source;     // the checkpoint's name; empty for rope_freqs, which is computed
  int64_t rotary_heads = 0;  // > 0: rows permuted from rotate-half to interleaved pairs, per head
};

// Hugging Face's names inside a decoder layer, and llama.cpp's.
const std::pair<const char*, const char*> kLayerNames[] = {
    {"input_layernorm.", "attn_norm."},       {"self_attn.q_proj.", "attn_q."},  {"self_attn.k_proj.", "attn_k."},
    {"self_attn.v_proj.", "attn_v."},         {"self_attn.o_proj.", "attn_output."},
    {"post_attention_layernorm.", "ffn_norm."}, {"mlp.gate_proj.", "ffn_gate."}, {"mlp.up_proj.", "ffn_up."},
    {"mlp.down_proj.", "ffn_down."}};

std::string llama_cpp_name(const std::string& name) {
  if (name == "model.embed_tokens.weight") return "token_embd.weight";
  if (name == "model.norm.weight") return "output_norm.weight";
  if (name == "lm_head.weight") return "output.weight";
  const std::string layers = "model.layers.";
  const auto dot = name.find('.', layers.size());
  const std::string layer = name.substr(layers.size(), dot - layers.size()), rest = name.substr(dot + 1);
  for (const auto& [hf, gguf] : kLayerNames)
    if (rest.rfind(hf, 0) == 0) return fmt::format("blk.{}.{}{}", layer, gguf, rest.substr(std::string(hf).size()));
  throw Error(fmt::format("no llama.cpp name for tensor '{}'", name));
}

// llama.cpp's llama architecture rotates pairs of adjacent values; Hugging Face's checkpoints pair
// value i with value i + D/2 (rotate-half). Reordering the rows of q and k per head makes the two
// agree: (heads * D, ...) -> (heads, 2, D/2, ...) -> swap the middle two -> back.
torch::Tensor interleave_rotary_halves(const torch::Tensor& w, int64_t heads) {
  std::vector<int64_t> shape = w.sizes().vec();
  std::vector<int64_t> split = {heads, 2, shape[0] / heads / 2};
  split.insert(split.end(), shape.begin() + 1, shape.end());
  return w.reshape(split).transpose(1, 2).reshape(shape);
}

std::string architecture_of(const model::ModelConfig& c, const fs::path& config_file) {
  if (c.model_type == "llama" || c.model_type == "mistral") return "llama";
  if (c.model_type == "qwen2") {
    if (!c.qkv_bias || c.o_proj_bias || c.mlp_bias)
      throw Error(fmt::format("{}: a qwen2 model in llama.cpp has biases on q, k and v only", config_file.string()));
    if (c.rope_scaling && c.rope_scaling->type == "llama3")
      throw Error(fmt::format("{}: llama.cpp's qwen2 has no llama3 rope scaling", config_file.string()));
    return "qwen2";
  }
  throw Error(fmt::format("{}: model_type '{}' has no GGUF export (llama, mistral, qwen2)", config_file.string(),
                          c.model_type));
}

uint32_t file_type_of(GgmlType type) {  // llama_ftype: all f32, mostly f16 / q8_0 / bf16
  switch (type) {
    case GgmlType::kF32: return 0;
    case GgmlType::kF16: return 1;
    case GgmlType::kQ8_0: return 7;
    case GgmlType::kBF16: return 32;
  }
  return 0;
}

void add_hyperparameters(io::GgufWriter& gguf, const model::ModelConfig& c, const std::string& arch,
                         const std::string& name, GgmlType type) {
  auto key = [&](const char* k) { return arch + "." + k; };
  gguf.add("general.architecture", GgufValueType::kString, arch);
  gguf.add("general.name", GgufValueType::kString, name);
  gguf.add("general.file_type", GgufValueType::kUint32, file_type_of(type));
  gguf.add(key("context_length"), GgufValueType::kUint32, c.max_position_embeddings);
  gguf.add(key("embedding_length"), GgufValueType::kUint32, c.hidden_size);
  gguf.add(key("block_count"), GgufValueType::kUint32, c.num_hidden_layers);
  gguf.add(key("feed_forward_length"), GgufValueType::kUint32, c.intermediate_size);
  gguf.add(key("attention.head_count"), GgufValueType::kUint32, c.num_attention_heads);
  gguf.add(key("attention.head_count_kv"), GgufValueType::kUint32, c.num_key_value_heads);
  gguf.add(key("attention.key_length"), GgufValueType::kUint32, c.head_dim);
  gguf.add(key("attention.value_length"), GgufValueType::kUint32, c.head_dim);
  gguf.add(key("attention.layer_norm_rms_epsilon"), GgufValueType::kFloat32, c.rms_norm_eps);
  gguf.add(key("rope.freq_base"), GgufValueType::kFloat32, c.rope_theta);
  gguf.add(key("rope.dimension_count"), GgufValueType::kUint32, c.head_dim);
  gguf.add(key("vocab_size"), GgufValueType::kUint32, c.vocab_size);
  if (c.rope_scaling && (c.rope_scaling->type == "linear" || c.rope_scaling->type == "yarn")) {
    gguf.add(key("rope.scaling.type"), GgufValueType::kString, c.rope_scaling->type);
    gguf.add(key("rope.scaling.factor"), GgufValueType::kFloat32, c.rope_scaling->factor);
  }
  if (c.rope_scaling && c.rope_scaling->type == "yarn") {
    const int64_t original = c.rope_scaling->original_max_position_embeddings;
    gguf.add(key("rope.scaling.original_context_length"), GgufValueType::kUint32,
             original > 0 ? original : c.max_position_embeddings);
  }
}

// What llama.cpp's rope will not do as the config says.
std::vector<std::string> rope_warnings(const model::ModelConfig& c) {
  if (!c.rope_scaling) return {};
  const model::RopeScaling& s = *c.rope_scaling;
  if (s.type == "dynamic")
    return {"llama.cpp has no dynamic NTK rope scaling: the model runs there unscaled, as it does in lethe within "
            "its context of " + std::to_string(c.max_position_embeddings) + " tokens"};
  const bool own_attention_factor = s.attention_factor || (s.mscale != 0 && s.mscale_all_dim != 0);
  if (s.type == "yarn" && (own_attention_factor || s.beta_fast != 32.0 || s.beta_slow != 1.0 || !s.truncate))
    return {"llama.cpp applies yarn with its defaults (beta_fast 32, beta_slow 1, truncated, attention factor "
            "0.1 ln(factor) + 1), not this config's own: its outputs will differ"};
  return {};
}

// llama3 rope scaling as llama.cpp takes it: a divisor per frequency, unscaled / scaled.
torch::Tensor rope_frequency_factors(const model::ModelConfig& c) {
  model::ModelConfig unscaled = c;
  unscaled.rope_scaling.reset();
  return model::rotary_inverse_frequencies(unscaled) / model::rotary_inverse_frequencies(c);  // (D/2)
}

GgmlType default_type(const io::TensorStore& store) {
  switch (store.find("model.embed_tokens.weight")->info->dtype) {
    case io::DType::F16: return GgmlType::kF16;
    case io::DType::BF16: return GgmlType::kBF16;
    default: return GgmlType::kF32;
  }
}

// Compares the file with what was meant to be in it: the layout, and each tensor's bytes by hash.
void check_read_back(const fs::path& out, const io::GgufWriter& gguf, const std::vector<std::string>& hashes,
                     size_t metadata_count) {
  const io::GgufContents contents = io::read_gguf(out);
  auto fail = [&](const std::string& what) { throw Error(fmt::format("{}: read back, {}", out.string(), what)); };
  if (contents.metadata.size() != metadata_count) fail("the metadata count differs");
  if (contents.tensors.size() != gguf.tensors().size()) fail("the tensor count differs");
  std::ifstream in(out, std::ios::binary);
  for (size_t i = 0; i < contents.tensors.size(); ++i) {
    const io::GgufTensor &read = contents.tensors[i], &meant = gguf.tensors()[i];
    if (read.name != meant.name || read.type != meant.type || read.shape != meant.shape || read.offset != meant.offset)
      fail(fmt::format("tensor '{}' is not described as written", meant.name));
    std::string bytes(read.nbytes, '\0');
    in.seekg(static_cast<std::streamoff>(contents.data_offset + read.offset));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in || util::hash_bytes(bytes) != hashes[i]) fail(fmt::format("tensor '{}' holds other bytes", meant.name));
  }
}

}  // namespace

GgmlType ggml_type_from_name(const std::string& name) {
  for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0})
    if (name == io::ggml_type_name(type)) return type;
  throw Error(fmt::format("unknown GGUF type '{}' (f32, f16, bf16, q8_0)", name));
}

GgufExportResult export_gguf(const fs::path& model_dir, const fs::path& out, std::optional<GgmlType> type) {
  const model::ModelConfig config = model::read_model_config(model_dir);
  const io::TensorStore store(model_dir);
  model::check_tensors(config, store, model_dir);
  io::prepare_output_file(out);

  GgufExportResult result;
  result.architecture = architecture_of(config, model_dir / "config.json");
  result.type = type.value_or(default_type(store));
  io::GgufWriter gguf;
  fs::path name = fs::weakly_canonical(model_dir);
  if (name.filename().empty()) name = name.parent_path();  // "model/" names "model"
  add_hyperparameters(gguf, config, result.architecture, name.filename().string(), result.type);
  result.warnings = add_gguf_vocabulary(gguf, model_dir, config.vocab_size);
  for (auto& warning : rope_warnings(config)) result.warnings.push_back(std::move(warning));

  const bool interleave = result.architecture == "llama";
  std::vector<PlannedTensor> plan;
  int64_t fallbacks = 0;
  model::for_each_expected_tensor(config, [&](const std::string& name, const std::vector<int64_t>& shape) {
    GgmlType tensor_type = shape.size() == 1 ? GgmlType::kF32 : result.type;
    if (tensor_type == GgmlType::kQ8_0 && shape.back() % 32 != 0) {
      tensor_type = GgmlType::kF16;  // as llama.cpp's converter does
      ++fallbacks;
    }
    PlannedTensor planned{name};
    if (interleave && name.find("q_proj") != std::string::npos) planned.rotary_heads = config.num_attention_heads;
    if (interleave && name.find("k_proj") != std::string::npos) planned.rotary_heads = config.num_key_value_heads;
    gguf.add_tensor(llama_cpp_name(name), tensor_type, shape);
    plan.push_back(planned);
    return true;
  });
  if (config.rope_scaling && config.rope_scaling->type == "llama3") {
    gguf.add_tensor("rope_freqs.weight", GgmlType::kF32, {config.head_dim / 2});
    plan.push_back({});
  }
  if (fallbacks > 0)
    result.warnings.push_back(fmt::format("{} matrices have rows that are not a multiple of 32 and are written as "
                                          "f16 rather than q8_0", fallbacks));

  std::vector<std::string> hashes;
  util::Progress progress("export", static_cast<int64_t>(plan.size()), "tensors");
  gguf.write(out, [&](const io::GgufTensor& t) {
    const PlannedTensor& planned = plan[hashes.size()];
    torch::Tensor values = planned.source.empty() ? rope_frequency_factors(config)
                                                  : model::read_stored_tensor(*store.find(planned.source));
    if (planned.rotary_heads > 0) values = interleave_rotary_halves(values, planned.rotary_heads);
    std::string bytes = ggml_encode(values, t.type);
    hashes.push_back(util::hash_bytes(bytes));
    progress.advance(1);
    return bytes;
  });
  progress.finish();
  check_read_back(out, gguf, hashes, gguf.metadata_count());
  result.tensors = static_cast<int64_t>(plan.size());
  result.bytes = fs::file_size(out);
  return result;
}

}  // namespace lethe::exporting
