#pragma once
// Stage 4 of the method: the loss of the baseline model fine-tuned on generic labels. The Trainer
// serves batches of label-file block indices (a TokenBlocks over the stream 0..N-1 cut into
// blocks of one); this loss reads those blocks' tokens and labels.
//   hard (the paper): cross-entropy against argmax v, positions without a label ignored;
//   soft (lethe): cross-entropy against the stored top-k of softmax(v / T), i.e. KL up to a constant;
//   retain regularisation (lethe): + weight * KL(B || model) on a batch of retain text (or its
//   next-token loss, retain_loss nll).
#include <torch/torch.h>

#include <memory>

#include "model/llama.h"
#include "train/token_blocks.h"
#include "unlearn/forget_method_options.h"
#include "unlearn/label_file.h"

namespace lethe::unlearn {

struct GenericLabelLossOptions {
  int64_t label_set = 0;  // which alpha of the file
  bool soft = false;
  double retain_weight = 0.0;
  RetainLoss retain_loss = RetainLoss::kl;
  int64_t retain_batch_size = 4;
};

class GenericLabelLoss {
 public:
  // `retain` is needed only with retain_weight > 0, `frozen_base` with it for KL.
  GenericLabelLoss(std::shared_ptr<const LabelFileReader> labels, GenericLabelLossOptions options,
                   model::CausalLM frozen_base = nullptr, std::shared_ptr<const train::TokenBlocks> retain = nullptr);

  // block_indices: (B,1) int64 indices into the label file. The retain batch is the one numbered
  // by the first block index (so it follows the label file's order, not the Trainer's count).
  torch::Tensor operator()(model::CausalLM& model, const torch::Tensor& block_indices, int64_t batch_index) const;

 private:
  torch::Tensor label_loss(model::CausalLM& model, const torch::Tensor& block_indices) const;
  torch::Tensor retain_loss(model::CausalLM& model, int64_t batch_index) const;

  std::shared_ptr<const LabelFileReader> labels_;
  GenericLabelLossOptions options_;
  mutable model::CausalLM frozen_base_;  // libtorch modules have no const forward
  std::shared_ptr<const train::TokenBlocks> retain_;
};

}  // namespace lethe::unlearn
