#include "model/kv_cache.h"

namespace lethe::model {

KVCache::KVCache(const ModelConfig& config, int64_t batch, int64_t capacity_, torch::Dtype dtype,
                 torch::Device device)
    : capacity(capacity_) {
  auto options = torch::TensorOptions().dtype(dtype).device(device);
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
    keys.push_back(torch::zeros({batch, config.num_key_value_heads, capacity, config.head_dim}, options));
    values.push_back(torch::zeros({batch, config.num_key_value_heads, capacity, config.head_dim}, options));
  }
  key_valid = torch::zeros({batch, capacity}, torch::TensorOptions().dtype(torch::kBool).device(device));
  real_tokens = torch::zeros({batch}, torch::TensorOptions().dtype(torch::kLong).device(device));
}

}  // namespace lethe::model
