#pragma once
// Stage 3, step 4 of the method: generic predictions from the baseline model B on the translated
// block (logits T) and the reinforced model B+ on the original block (logits P):
//     v(i) = T(map(i)) - alpha * ReLU(P(i) - T(map(i)))
// where B+ knows better than B, v moves away from it. Substitutes already used are suppressed
// (their logits set to the row's mean) so the fine-tune does not learn a mere renaming.
#include <torch/torch.h>

#include <vector>

#include "unlearn/translation.h"

namespace lethe::unlearn {

struct GenericLogits {
  torch::Tensor values;  // (L,V) float32: v(i) on kept rows, 0 elsewhere
  torch::Tensor kept;    // (L) bool: positions with a label (never the block's last position)
};

// translated_logits: (Lt,V) from B on translation.tokens; reinforced_logits: (L,V) from B+ on the
// original block.
GenericLogits generic_logits(const Translation& translation, const torch::Tensor& translated_logits,
                             const torch::Tensor& reinforced_logits, double alpha);

// The mean of several translations' v (lethe's option: K translations of a block).
GenericLogits average(const std::vector<GenericLogits>& translations);

// (L) int64: argmax v(i), the target for the token after i; -1 where not kept.
torch::Tensor hard_labels(const GenericLogits& logits);

// Soft targets: the top k of softmax(v / temperature), renormalised. ids (L,k) int64, probabilities
// (L,k) float32; rows not kept are all zero.
struct SoftTargets {
  torch::Tensor ids;
  torch::Tensor probabilities;
};
SoftTargets soft_targets(const GenericLogits& logits, int64_t k, double temperature);

}  // namespace lethe::unlearn
