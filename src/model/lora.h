#pragma once
// LoRA (Hu et al. 2021) as Hugging Face PEFT defines it: a frozen linear layer plus
// (alpha / r) B A x, with A (r,in) drawn as torch draws a linear layer's weight (uniform within
// 1/sqrt(in)) and B (out,r) zero, so that training starts exactly at the base model. The adapters
// are float32 whatever the frozen weights' dtype; only they are trained, so only they have
// gradients and optimizer states.
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "model/llama.h"
#include "model/lora_options.h"

namespace lethe::model {

class LoraImpl : public torch::nn::Module {
 public:
  LoraImpl(int64_t in, int64_t out, const LoraOptions& options, torch::Generator& generator);
  // x (...,in) -> scale * B A dropout(x) (...,out), in x's dtype.
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor A, B;  // (r,in), (out,r)
  double scale, dropout;
};
TORCH_MODULE(Lora);

// The adapter of a linear layer of the model, or null.
Lora lora_of(const torch::nn::Linear& layer);

// Freezes every weight and adds seeded adapters to the target projections of every layer, on the
// model's device. Throws lethe::Error for a target that is no projection, or a rank below 1.
void add_lora(CausalLM& model, const LoraOptions& options, uint64_t seed);

// Every projection with an adapter becomes W + scale B A (in W's dtype), the adapters go, and every
// weight is trainable again: the model then saves as a plain Hugging Face checkpoint.
void merge_lora(CausalLM& model);

// The adapters alone, as PEFT's save_pretrained writes them: DIR/adapter_config.json and
// DIR/adapter_model.safetensors, keys "base_model.model.<module>.lora_A.weight" (r,in) and
// ".lora_B.weight" (out,r) in float32. base_model: what the config's base_model_name_or_path says.
void save_peft_adapter(const CausalLM& model, const LoraOptions& options, const std::filesystem::path& dir,
                       const std::string& base_model);

}  // namespace lethe::model
