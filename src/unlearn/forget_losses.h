#pragma once
// The field's fine-tuning unlearners as losses on a batch of forget blocks (methods.md; each
// checked against its paper). Every function takes the model's logits (B,L,V) on blocks of real
// tokens (B,L) and returns a scalar to minimise; position t predicts token t+1.
//   GradAscent (and GradDiff, its retain term apart): minus the next-token loss.
//   NPO (Zhang et al. 2024): -(2/beta) log sigmoid(-beta (S - S_ref)) per block, S the block's
//     summed log-probability under the model, S_ref under the frozen base; from log-probabilities,
//     not raw logits (the bug reported in MUSE's baseline).
//   SimNPO (Fan et al. 2024): -(2/beta) log sigmoid(-beta S / |x| - gamma), |x| the block's
//     predicted tokens; no reference model. gamma stands outside beta, as in the paper.
//   UNDIAL (Dong et al. 2024): cross-entropy against softmax(z_base - beta onehot(y)), the base's
//     logits with the true next token's lowered by beta: self-distillation away from the text.
#include <torch/torch.h>

namespace lethe::unlearn {

// Summed log-probability of each block's next tokens: logits (B,L,V), tokens (B,L) -> (B).
torch::Tensor block_log_probability(const torch::Tensor& logits, const torch::Tensor& tokens);

torch::Tensor gradient_ascent_loss(const torch::Tensor& logits, const torch::Tensor& tokens);

torch::Tensor npo_loss(const torch::Tensor& logits, const torch::Tensor& reference_logits, const torch::Tensor& tokens,
                       double beta);

torch::Tensor simnpo_loss(const torch::Tensor& logits, const torch::Tensor& tokens, double beta, double gamma);

torch::Tensor undial_loss(const torch::Tensor& logits, const torch::Tensor& base_logits, const torch::Tensor& tokens,
                          double beta);

// KL(reference || model) per position, summed over the vocabulary and averaged over positions:
// the retain term that keeps a model's distributions where the frozen base had them.
torch::Tensor kl_to_reference(const torch::Tensor& logits, const torch::Tensor& reference_logits);

}  // namespace lethe::unlearn
