#pragma once
// A token stream cut into blocks of equal length, served in batches in a seeded order that is a
// pure function of (seed, batch index): a resumed run sees exactly the batches the uninterrupted
// run would have, with no data-loader state to save.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace lethe::train {

class TokenBlocks {
 public:
  // Drops the tail that does not fill a block. Throws lethe::Error if no block fits.
  TokenBlocks(const std::vector<int32_t>& stream, int64_t block_length, uint64_t seed);

  int64_t block_count() const { return blocks_.size(0); }
  int64_t block_length() const { return blocks_.size(1); }

  // The index-th batch of batch_size blocks (B,L) int64. Blocks are visited in a fresh seeded
  // permutation each epoch; a batch may span two epochs.
  torch::Tensor batch(int64_t index, int64_t batch_size) const;

 private:
  int64_t block_at(int64_t position) const;  // position in the endless sequence of epochs

  torch::Tensor blocks_;  // (N,L) int64
  uint64_t seed_;
  mutable int64_t cached_epoch_ = -1;
  mutable std::vector<int64_t> cached_order_;
};

}  // namespace lethe::train
