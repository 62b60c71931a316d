#include "unlearn/forget_method_loss.h"

#include "unlearn/forget_losses.h"
#include "util/error.h"

namespace lethe::unlearn {

torch::Tensor retain_term(model::CausalLM& model, model::CausalLM& frozen_base, const torch::Tensor& tokens,
                          RetainLoss kind) {
  if (kind == RetainLoss::nll) return model::next_token_loss(model->forward(tokens), tokens);
  torch::Tensor reference;
  {
    torch::NoGradGuard no_grad;
    reference = frozen_base->forward(tokens);
  }
  return kl_to_reference(model->forward(tokens), reference);
}

ForgetMethodLoss::ForgetMethodLoss(ForgetLossOptions options, model::CausalLM frozen_base,
                                   std::shared_ptr<const train::TokenBlocks> retain)
    : options_(options), frozen_base_(std::move(frozen_base)), retain_(std::move(retain)) {
  if (needs_frozen_base(options_) && !frozen_base_) throw Error("unlearn: this method needs the frozen base model");
  if (options_.retain_weight > 0 && !retain_) throw Error("unlearn: a retain term needs retain text");
  if (!(options_.beta > 0)) throw Error("unlearn: beta must be above 0");
  if (frozen_base_) frozen_base_->eval();
}

torch::Tensor ForgetMethodLoss::operator()(model::CausalLM& model, const torch::Tensor& blocks,
                                           int64_t batch_index) const {
  auto loss = forget_loss(model, blocks);
  if (options_.retain_weight > 0) loss = loss + options_.retain_weight * retain_loss(model, batch_index);
  return loss;
}

torch::Tensor ForgetMethodLoss::forget_loss(model::CausalLM& model, const torch::Tensor& blocks) const {
  auto logits = model->forward(blocks);  // (B,L,V)
  switch (options_.method) {
    case ForgetMethod::gradient_ascent: return gradient_ascent_loss(logits, blocks);
    case ForgetMethod::npo: return npo_loss(logits, base_logits(blocks), blocks, options_.beta);
    case ForgetMethod::simnpo: return simnpo_loss(logits, blocks, options_.beta, options_.gamma);
    case ForgetMethod::undial: return undial_loss(logits, base_logits(blocks), blocks, options_.beta);
    case ForgetMethod::rmu: break;  // a loss on hidden states: RmuLoss (rmu.h)
  }
  throw Error("unlearn: unknown forget method");
}

torch::Tensor ForgetMethodLoss::retain_loss(model::CausalLM& model, int64_t batch_index) const {
  const auto device = model->output_weight().device();
  auto tokens = retain_->batch(batch_index, options_.retain_batch_size).to(device);  // (B,L)
  return retain_term(model, frozen_base_, tokens, options_.retain_loss);
}

torch::Tensor ForgetMethodLoss::base_logits(const torch::Tensor& tokens) const {
  torch::NoGradGuard no_grad;
  return frozen_base_->forward(tokens);
}

}  // namespace lethe::unlearn
