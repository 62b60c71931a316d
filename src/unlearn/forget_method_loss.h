#pragma once
// The Trainer's loss for the field's fine-tuning unlearners (forget_losses.h): the method's
// forget loss on a batch of forget blocks, plus retain_weight times a retain term on a batch of
// retain text, the total methods.md writes as L_f(x_f) + lambda_r L_r(x_r):
//   nll  the retain text's next-token loss (GradDiff's);
//   kl   KL(base || model) on the retain text (whp-plus's).
#include <torch/torch.h>

#include <memory>

#include "model/llama.h"
#include "train/token_blocks.h"
#include "unlearn/forget_method_options.h"

namespace lethe::unlearn {

// The retain term on retain tokens (B,L): their next-token loss, or KL(frozen_base || model)
// (frozen_base may be null for nll).
torch::Tensor retain_term(model::CausalLM& model, model::CausalLM& frozen_base, const torch::Tensor& tokens,
                          RetainLoss kind);

class ForgetMethodLoss {
 public:
  // frozen_base when needs_frozen_base; retain when retain_weight > 0.
  ForgetMethodLoss(ForgetLossOptions options, model::CausalLM frozen_base,
                   std::shared_ptr<const train::TokenBlocks> retain);

  // blocks (B,L) of forget text; the retain batch is the one numbered batch_index.
  torch::Tensor operator()(model::CausalLM& model, const torch::Tensor& blocks, int64_t batch_index) const;

 private:
  torch::Tensor forget_loss(model::CausalLM& model, const torch::Tensor& blocks) const;
  torch::Tensor retain_loss(model::CausalLM& model, int64_t batch_index) const;
  torch::Tensor base_logits(const torch::Tensor& tokens) const;  // without gradients

  ForgetLossOptions options_;
  mutable model::CausalLM frozen_base_;  // libtorch modules have no const forward
  std::shared_ptr<const train::TokenBlocks> retain_;
};

}  // namespace lethe::unlearn
