#include "model/padded_batch.h"

#include <algorithm>

namespace lethe::model {

PaddedBatch pad_batch(const std::vector<std::vector<int32_t>>& sequences, PadSide side, torch::Device device) {
  int64_t longest = 0;
  for (const auto& s : sequences) longest = std::max<int64_t>(longest, static_cast<int64_t>(s.size()));
  const auto batch = static_cast<int64_t>(sequences.size());
  PaddedBatch out;
  out.tokens = torch::zeros({batch, longest}, torch::kLong);
  out.mask = torch::zeros({batch, longest}, torch::kLong);
  for (int64_t b = 0; b < batch; ++b) {
    const auto n = static_cast<int64_t>(sequences[b].size());
    const int64_t start = side == PadSide::left ? longest - n : 0;
    out.padded = out.padded || n < longest;
    if (n == 0) continue;
    out.tokens[b].narrow(0, start, n).copy_(torch::tensor(sequences[b], torch::kInt).to(torch::kLong));
    out.mask[b].narrow(0, start, n).fill_(1);
  }
  out.tokens = out.tokens.to(device);
  out.mask = out.mask.to(device);
  return out;
}

}  // namespace lethe::model
