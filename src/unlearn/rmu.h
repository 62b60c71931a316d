#pragma once
// RMU, representation misdirection for unlearning (Li et al. 2024, WMDP): the forget text's
// residual stream after one decoder layer is pushed towards a fixed random direction, and the
// retain text's held where the base has it,
//   L = mean (h_l(x_f) - c u)^2 + alpha mean (h_l(x_r) - h_l^base(x_r))^2,
// with only the MLPs of layers l-2 .. l trained: what the later layers read of the forget text is
// noise, and the rest of the network is the base's.
#include <torch/torch.h>

#include <cstdint>
#include <memory>

#include "model/llama.h"
#include "train/token_blocks.h"
#include "unlearn/forget_method_options.h"

namespace lethe::unlearn {

// The layer RMU reads: options.layer, or a quarter of the way down (-1).
int64_t rmu_layer(const RmuOptions& options, int64_t num_layers);

// u (C): uniform in [0, 1) and normalised, as WMDP's code draws it; the same for the same seed.
torch::Tensor rmu_direction(int64_t hidden_size, uint64_t seed);

// The loss on hidden states: h_forget (B,L,C) against target (C); h_retain and h_retain_base
// (B',L,C), or undefined for no retain term.
torch::Tensor rmu_loss(const torch::Tensor& h_forget, const torch::Tensor& target, const torch::Tensor& h_retain,
                       const torch::Tensor& h_retain_base, double retain_weight);

// Every weight frozen (requires_grad false) but the MLPs' of layers layer-2 .. layer.
void freeze_all_but_rmu_mlps(model::CausalLM& model, int64_t layer);

// The Trainer's loss. frozen_base: the base, for the retain term and, with steering 0, the
// steering's scale: the mean norm of the base's hidden states at the layer on `first_forget` (B,L).
class RmuLoss {
 public:
  RmuLoss(const RmuOptions& options, int64_t layer, double retain_weight, model::CausalLM frozen_base,
          std::shared_ptr<const train::TokenBlocks> retain, const torch::Tensor& first_forget);

  torch::Tensor operator()(model::CausalLM& model, const torch::Tensor& blocks, int64_t batch_index) const;
  double steering() const { return steering_; }

 private:
  torch::Tensor base_hidden(const torch::Tensor& tokens) const;  // without gradients

  int64_t layer_;
  double steering_, retain_weight_;
  torch::Tensor target_;  // (C): steering * u
  mutable model::CausalLM frozen_base_;
  std::shared_ptr<const train::TokenBlocks> retain_;
  int64_t retain_batch_size_ = 4;
};

}  // namespace lethe::unlearn
