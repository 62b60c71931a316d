#pragma once
// The settings of LoRA adapters (model/lora.h), torch-free so that config readers can hold them.
#include <cstdint>
#include <string>
#include <vector>

namespace lethe::model {

// The projections of a decoder layer that an adapter may target.
inline const std::vector<std::string> kLoraTargets = {"q_proj", "k_proj", "v_proj", "o_proj",
                                                      "gate_proj", "up_proj", "down_proj"};

struct LoraOptions {
  int64_t rank = 16;
  double alpha = 32.0;
  double dropout = 0.0;
  // Projections of every decoder layer that get an adapter.
  std::vector<std::string> targets = kLoraTargets;
  // The dtype the frozen weights are held in while the adapters train: float32, bfloat16, float16.
  std::string frozen_dtype = "float32";
  double scale() const { return alpha / static_cast<double>(rank); }
};

}  // namespace lethe::model
