#include "model/checkpoint.h"

#include <fmt/core.h>

#include <cstring>

#include "io/file.h"
#include "io/tensor_store.h"
#include "model/expected_tensors.h"
#include "util/error.h"
#include "util/system.h"

namespace lethe::model {
namespace {

namespace fs = std::filesystem;

bool g_scan_weights = true;

torch::Dtype torch_dtype_of(io::DType dtype) {
  switch (dtype) {
    case io::DType::F32: return torch::kFloat;
    case io::DType::F16: return torch::kHalf;
    case io::DType::BF16: return torch::kBFloat16;
    default: throw Error(fmt::format("dtype {} is not a floating-point weight type", io::dtype_name(dtype)));
  }
}

io::DType io_dtype_of(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat: return io::DType::F32;
    case torch::kHalf: return io::DType::F16;
    case torch::kBFloat16: return io::DType::BF16;
    default: throw Error("only float32, float16 and bfloat16 weights can be saved");
  }
}

const char* const kTokenizerFiles[] = {"tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                                       "special_tokens_map.json"};

void copy_weights(CausalLM& model, const io::TensorStore& store, const fs::path& model_dir) {
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    const io::StoredTensor* stored = store.find(item.key());
    if (stored == nullptr)  // check_tensors lists every parameter: a miss here is lethe's own mistake
      throw Error(fmt::format("{}: tensor '{}' is missing", model_dir.string(), item.key()));
    torch::Tensor& parameter = item.value();
    parameter.copy_(read_stored_tensor(*stored));
    if (g_scan_weights && !torch::isfinite(parameter).all().item<bool>())
      throw Error(fmt::format("{}: tensor '{}' holds NaN or infinite values (--no-weight-check skips this check)",
                              stored->file->path().string(), item.key()));
  }
}

}  // namespace

torch::Tensor read_stored_tensor(const io::StoredTensor& stored) {
  const io::TensorInfo& info = *stored.info;
  auto tensor = torch::empty(info.shape, torch::TensorOptions().dtype(torch_dtype_of(info.dtype)));
  std::memcpy(tensor.data_ptr(), stored.data(), info.nbytes);  // copy: mmap'd data may be unaligned
  return tensor;
}

torch::Dtype parse_dtype(const std::string& name) { return torch_dtype_of(io::weight_dtype_from_name(name)); }

std::string dtype_to_string(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat: return "float32";
    case torch::kBFloat16: return "bfloat16";
    case torch::kHalf: return "float16";
    default: return "unknown";
  }
}

void load_weights(CausalLM& model, const fs::path& model_dir) {
  io::TensorStore store(model_dir);
  check_tensors(model->config(), store, model_dir);
  copy_weights(model, store, model_dir);
}

void set_weight_check(bool scan) { g_scan_weights = scan; }

void check_fits_in_memory(const ModelConfig& config, const std::string& origin) {
  // The model is built in float32 on the CPU before it moves to its device and dtype.
  const double bytes = 4.0 * static_cast<double>(config.parameter_count());
  const int64_t available = util::available_memory_bytes();
  if (available > 0 && bytes > static_cast<double>(available))
    throw Error(fmt::format("{}: the model's {} parameters need {:.1f} GB in float32, more than the {:.1f} GB of "
                            "memory this machine has available",
                            origin, config.parameter_count(), bytes / 1e9, available / 1e9));
}

std::optional<DecodingRule> read_decoding_rule(const fs::path& dir) {
  const fs::path file = dir / kDecodingRuleFile;
  if (!fs::exists(file)) return std::nullopt;
  const auto rule = io::read_json(file);
  auto model_at = [&](const char* key) {
    if (!rule.is_object() || !rule.contains(key) || !rule[key].is_string())
      throw Error(fmt::format("{}: \"{}\" must name a model directory", file.string(), key));
    const fs::path named = rule[key].get<std::string>();
    if (fs::exists(named / kDecodingRuleFile))
      throw Error(fmt::format("{}: {} is a decoding rule itself; name a model with weights", file.string(), named.string()));
    return named;
  };
  DecodingRule out{model_at("base"), model_at("reinforced")};
  if (!rule.contains("alpha") || !rule["alpha"].is_number() || !(rule["alpha"].get<double>() >= 0))
    throw Error(fmt::format("{}: \"alpha\" must be a number at least 0", file.string()));
  out.alpha = rule["alpha"].get<double>();
  return out;
}

CausalLM load_causal_lm(const fs::path& model_dir, torch::Device device, torch::Dtype dtype) {
  if (auto rule = read_decoding_rule(model_dir)) {  // the base, with the reinforced model attached
    auto base = load_causal_lm(rule->base, device, dtype);
    base->attach_reinforced(load_causal_lm(rule->reinforced, device, dtype).ptr(), rule->alpha);
    return base;
  }
  auto config = read_model_config(model_dir);
  io::TensorStore store(model_dir);
  check_tensors(config, store, model_dir);  // a config that claims more than its tensors hold stops here
  check_fits_in_memory(config, (model_dir / "config.json").string());
  CausalLM model(config);
  copy_weights(model, store, model_dir);
  model->to(device, dtype);
  model->eval();
  return model;
}

void save_model(const CausalLM& model, const fs::path& out_dir, torch::Dtype dtype, const fs::path& tokenizer_source) {
  fs::create_directories(out_dir);
  std::vector<torch::Tensor> keep_alive;
  std::vector<io::TensorBytes> tensors;
  for (const auto& item : model->named_parameters()) {
    auto t = item.value().detach().to(torch::kCPU, dtype).contiguous();
    keep_alive.push_back(t);
    tensors.push_back({item.key(), io_dtype_of(dtype), t.sizes().vec(), t.data_ptr(),
                       static_cast<uint64_t>(t.numel() * t.element_size())});
  }
  std::sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  io::write_tensor_store(out_dir, tensors);

  ModelConfig config = model->config();
  config.torch_dtype = dtype_to_string(dtype);
  io::write_json_atomic(out_dir / "config.json", config.to_json());

  nlohmann::json generation = {{"_from_model_config", true}};
  if (config.bos_token_id) generation["bos_token_id"] = *config.bos_token_id;
  if (!config.eos_token_ids.empty()) generation["eos_token_id"] = config.eos_token_ids;
  if (!tokenizer_source.empty() && fs::exists(tokenizer_source / "generation_config.json"))
    generation = io::read_json(tokenizer_source / "generation_config.json");
  io::write_json_atomic(out_dir / "generation_config.json", generation);

  if (tokenizer_source.empty() || fs::equivalent(tokenizer_source, out_dir)) return;
  for (const char* name : kTokenizerFiles)
    if (fs::exists(tokenizer_source / name))
      io::write_file_atomic(out_dir / name, io::read_file(tokenizer_source / name));
}

void save_decoding_rule(const fs::path& out_dir, const fs::path& base, const fs::path& reinforced, double alpha) {
  fs::create_directories(out_dir);
  io::write_json_atomic(out_dir / "config.json", io::read_json(base / "config.json"));
  for (const char* name : kTokenizerFiles)
    if (fs::exists(base / name)) io::write_file_atomic(out_dir / name, io::read_file(base / name));
  io::write_json_atomic(out_dir / kDecodingRuleFile, {{"base", fs::absolute(base).lexically_normal()},
                                                      {"reinforced", fs::absolute(reinforced).lexically_normal()},
                                                      {"alpha", alpha}});
}

}  // namespace lethe::model
