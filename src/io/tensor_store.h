#pragma once
// All tensors of a Hugging Face model directory: either one model.safetensors, or shards listed
// by model.safetensors.index.json ({"weight_map": {tensor name: shard file}}). Opening checks that
// every indexed shard exists, holds the tensors the index says it holds, and that no tensor name
// appears twice across shards.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/safetensors.h"

namespace lethe::io {

struct StoredTensor {
  const SafetensorsReader* file = nullptr;
  const TensorInfo* info = nullptr;
  const std::byte* data() const { return file->data(*info); }
};

class TensorStore {
 public:
  explicit TensorStore(const std::filesystem::path& model_dir);

  std::vector<std::string> names() const;                // sorted
  const StoredTensor* find(std::string_view name) const;  // nullptr if absent

 private:
  std::vector<std::unique_ptr<SafetensorsReader>> files_;
  std::map<std::string, StoredTensor, std::less<>> tensors_;
};

// Writes tensors into model_dir as model.safetensors, or, when they exceed max_shard_bytes, as
// model-0000K-of-0000N.safetensors shards plus model.safetensors.index.json. Every file atomic.
void write_tensor_store(const std::filesystem::path& model_dir, const std::vector<TensorBytes>& tensors,
                        uint64_t max_shard_bytes = 5'000'000'000ULL);

}  // namespace lethe::io
