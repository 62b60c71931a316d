#include "train/token_blocks.h"

#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "util/error.h"

namespace lethe::train {

TokenBlocks::TokenBlocks(const std::vector<int32_t>& stream, int64_t block_length, uint64_t seed) : seed_(seed) {
  const int64_t count = block_length > 0 ? static_cast<int64_t>(stream.size()) / block_length : 0;
  if (count == 0)
    throw Error(fmt::format("{} tokens do not fill one block of {}", stream.size(), block_length));
  blocks_ = torch::empty({count, block_length}, torch::kLong);
  auto* out = blocks_.data_ptr<int64_t>();
  std::copy(stream.begin(), stream.begin() + count * block_length, out);
}

int64_t TokenBlocks::block_at(int64_t position) const {
  const int64_t n = block_count();
  const int64_t epoch = position / n;
  if (epoch != cached_epoch_) {
    cached_order_.resize(n);
    std::iota(cached_order_.begin(), cached_order_.end(), 0);
    std::mt19937_64 rng(seed_ * 1000003ULL + static_cast<uint64_t>(epoch));
    // Fisher-Yates with our own index draws: std::shuffle's use of the engine is not specified,
    // and the order must be the same with every standard library.
    for (int64_t i = n - 1; i > 0; --i) std::swap(cached_order_[i], cached_order_[rng() % (i + 1)]);
    cached_epoch_ = epoch;
  }
  return cached_order_[position % n];
}

torch::Tensor TokenBlocks::batch(int64_t index, int64_t batch_size) const {
  auto batch = torch::empty({batch_size, block_length()}, torch::kLong);
  for (int64_t b = 0; b < batch_size; ++b) batch[b].copy_(blocks_[block_at(index * batch_size + b)]);
  return batch;
}

}  // namespace lethe::train
