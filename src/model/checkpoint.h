#pragma once
// Hugging Face model directories in and out: config.json, *.safetensors (single or sharded),
// generation_config.json and the tokenizer files. Parameters map to tensors by name; a missing,
// unexpected or mis-shaped tensor is an error that names the file and the tensor.
#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>

#include "io/tensor_store.h"
#include "model/llama.h"

namespace lethe::model {

// Copies every parameter of `model` from the checkpoint in `model_dir`, converting F32/F16/BF16
// to the parameter's dtype, after checking the tensors against the config (expected_tensors.h).
// A tensor holding NaN or infinite values is refused, naming it, unless set_weight_check(false).
void load_weights(CausalLM& model, const std::filesystem::path& model_dir);

// A tensor of a checkpoint, copied out of the file in its stored dtype.
torch::Tensor read_stored_tensor(const io::StoredTensor& stored);

// Whether loading scans the weights for NaN and infinite values (on by default; a pass over the
// weights, about a second per few GB).
void set_weight_check(bool scan);

// Refuses, before anything is allocated, a config whose weights would not fit the memory this
// machine has available (they are built in float32 first). `origin` names the config file.
void check_fits_in_memory(const ModelConfig& config, const std::string& origin);

// Builds the model of a directory on `device`; dtype: the parameters' dtype (kFloat on CPU). A
// decoding-rule directory gives its base with the reinforced model attached.
CausalLM load_causal_lm(const std::filesystem::path& model_dir, torch::Device device, torch::Dtype dtype);

// The decoding-time rule as a model directory (lethe unlearn's whp-decoding): the base's
// config.json and tokenizer, and decoding_rule.json naming the base and reinforced directories
// (absolute) and alpha. Readers that want weights find none; load_causal_lm loads both models.
inline constexpr const char* kDecodingRuleFile = "decoding_rule.json";
struct DecodingRule {
  std::filesystem::path base, reinforced;
  double alpha = 0.0;
};
// A directory's decoding_rule.json, checked (each model a directory with weights, alpha >= 0);
// std::nullopt when it has none. Throws lethe::Error naming the file.
std::optional<DecodingRule> read_decoding_rule(const std::filesystem::path& dir);
void save_decoding_rule(const std::filesystem::path& out_dir, const std::filesystem::path& base,
                        const std::filesystem::path& reinforced, double alpha);

// Writes a complete model directory: weights in `dtype`, config.json, generation_config.json,
// and the tokenizer files of `tokenizer_source` (a model directory) when given. Every file is
// written atomically.
void save_model(const CausalLM& model, const std::filesystem::path& out_dir, torch::Dtype dtype,
                const std::filesystem::path& tokenizer_source = {});

// "float32" / "bfloat16" / "float16" <-> torch dtypes; errors name the accepted values.
torch::Dtype parse_dtype(const std::string& name);
std::string dtype_to_string(torch::Dtype dtype);

}  // namespace lethe::model
