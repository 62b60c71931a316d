#include "model/checkpoint.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cstring>
#include <set>

#include "io/file.h"
#include "io/tensor_store.h"
#include "util/error.h"

namespace lethe::model {
namespace {

namespace fs = std::filesystem;

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

// Buffers that some checkpoints carry and that lethe recomputes.
bool is_ignorable(const std::string& name) { return name.find("rotary_emb.inv_freq") != std::string::npos; }

torch::Tensor tensor_from_store(const io::StoredTensor& stored) {
  const io::TensorInfo& info = *stored.info;
  auto tensor = torch::empty(info.shape, torch::TensorOptions().dtype(torch_dtype_of(info.dtype)));
  std::memcpy(tensor.data_ptr(), stored.data(), info.nbytes);  // copy: mmap'd data may be unaligned
  return tensor;
}

const char* const kTokenizerFiles[] = {"tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                                       "special_tokens_map.json"};

}  // namespace

torch::Dtype parse_dtype(const std::string& name) {
  if (name == "float32" || name == "fp32" || name == "f32") return torch::kFloat;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "fp16" || name == "f16") return torch::kHalf;
  throw Error(fmt::format("unknown dtype '{}' (float32, bfloat16, float16)", name));
}

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
  std::set<std::string> used;
  std::vector<std::string> missing;
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    const std::string& name = item.key();
    const io::StoredTensor* stored = store.find(name);
    if (stored == nullptr) {
      missing.push_back(name);
      continue;
    }
    used.insert(name);
    torch::Tensor& parameter = item.value();
    if (stored->info->shape != parameter.sizes().vec())
      throw Error(fmt::format("{}: tensor '{}' has shape {}, the config needs {}", stored->file->path().string(),
                              name, fmt::join(stored->info->shape, "x"), fmt::join(parameter.sizes(), "x")));
    parameter.copy_(tensor_from_store(*stored));
  }
  if (!missing.empty())
    throw Error(fmt::format("{}: {} tensor(s) missing, e.g. '{}'", model_dir.string(), missing.size(), missing[0]));
  std::vector<std::string> unexpected;
  for (const auto& name : store.names()) {
    bool tied_head = name == "lm_head.weight" && model->config().tie_word_embeddings;
    if (!used.count(name) && !is_ignorable(name) && !tied_head) unexpected.push_back(name);
  }
  if (!unexpected.empty())
    throw Error(fmt::format("{}: {} unexpected tensor(s) for this config, e.g. '{}'", model_dir.string(),
                            unexpected.size(), unexpected[0]));
}

CausalLM load_causal_lm(const fs::path& model_dir, torch::Device device, torch::Dtype dtype) {
  CausalLM model(read_model_config(model_dir));
  load_weights(model, model_dir);
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

}  // namespace lethe::model
