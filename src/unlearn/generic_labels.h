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
  torch::Tensor values;  // (n,V) float32: v(i) on kept rows, 0 elsewhere
  torch::Tensor kept;    // (n) bool: positions with a label (never the block's last position)
};

// (n) int64: for the original positions [begin, begin + n) of a block, the translated position
// whose baseline logits T stand for each (0 where a position gets no label).
torch::Tensor translated_positions(const Translation& translation, int64_t begin, int64_t n);

// v(i) for the original positions [begin, begin + n) of a block, so that a block's (L,V) rows can be
// computed a few at a time whatever the vocabulary: translated_rows (n,V) are B's logits on the
// translation at translated_positions(translation, begin, n), reinforced_rows (n,V) are B+'s at the
// positions themselves.
GenericLogits generic_logits(const Translation& translation, int64_t begin, const torch::Tensor& translated_rows,
                             const torch::Tensor& reinforced_rows, double alpha);

// The mean of several translations' v (lethe's option: K translations of a block).
GenericLogits average(const std::vector<GenericLogits>& translations);

// (n) int64: argmax v(i), the target for the token after i; -1 where not kept.
torch::Tensor hard_labels(const GenericLogits& logits);

// Soft targets: the top k of softmax(v / temperature), renormalised. ids (n,k) int64, probabilities
// (n,k) float32; rows not kept are all zero.
struct SoftTargets {
  torch::Tensor ids;
  torch::Tensor probabilities;
};
SoftTargets soft_targets(const GenericLogits& logits, int64_t k, double temperature);

}  // namespace lethe::unlearn
