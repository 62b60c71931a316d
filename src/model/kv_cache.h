#pragma once
// Keys and values of past positions, per layer, for incremental decoding. Preallocated to the
// longest sequence so that a decoding step writes in place instead of concatenating.
#include <torch/torch.h>

#include <vector>

#include "model/config.h"

namespace lethe::model {

struct KVCache {
  KVCache(const ModelConfig& config, int64_t batch, int64_t capacity, torch::Dtype dtype, torch::Device device);

  std::vector<torch::Tensor> keys;    // per layer (B, H_kv, capacity, D)
  std::vector<torch::Tensor> values;  // per layer (B, H_kv, capacity, D)
  torch::Tensor key_valid;            // (B, capacity) bool: slot holds a real token
  torch::Tensor real_tokens;          // (B) int64: real tokens so far, the next rotary position
  int64_t length = 0;                 // slots used, padding included
  int64_t capacity = 0;
};

}  // namespace lethe::model
