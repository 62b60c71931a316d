#pragma once
// The settings of stage 3 (docs/unlearning.md), apart from the stage itself so that the pipeline's
// configuration is read without torch.
#include <cstdint>
#include <vector>

namespace lethe::unlearn {

struct LabelOptions {
  int64_t block_length = 512;        // the paper's
  std::vector<double> alphas = {5.0};  // one label set per alpha; the paper's alpha is 5
  int64_t translations = 1;          // K translations per block, their v averaged (lethe's option)
  int64_t soft_top_k = 0;            // 0: hard labels only (the paper)
  double temperature = 1.0;          // of the soft targets
  int64_t batch_size = 4;            // blocks per forward pass
  uint64_t seed = 0;                 // substitute draws
};

}  // namespace lethe::unlearn
