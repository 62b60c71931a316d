#pragma once
// Sequences of different lengths as one batch for one forward pass: the tokens padded with 0 on
// the right (scoring, labels) or on the left (generation, so that every row's next token is at the
// end) and the mask that says which positions are real.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace lethe::model {

enum class PadSide { right, left };

struct PaddedBatch {
  torch::Tensor tokens;  // (B,L) int64, L the longest sequence
  torch::Tensor mask;    // (B,L) int64: 1 = real token, 0 = padding
  bool padded = false;   // some row is shorter than L
  // The mask to give the model: undefined when nothing is padded (its fast path).
  torch::Tensor attention_mask() const { return padded ? mask : torch::Tensor(); }
};

// On `device`; `sequences` is not empty.
PaddedBatch pad_batch(const std::vector<std::vector<int32_t>>& sequences, PadSide side, torch::Device device);

}  // namespace lethe::model
