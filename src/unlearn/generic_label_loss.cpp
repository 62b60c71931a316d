#include "unlearn/generic_label_loss.h"

#include "unlearn/forget_method_loss.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

torch::Tensor stacked(const std::vector<std::vector<int32_t>>& rows, torch::Dtype dtype = torch::kLong) {
  std::vector<torch::Tensor> out;
  for (const auto& r : rows) out.push_back(torch::tensor(r, torch::kInt));
  return torch::stack(out).to(dtype);
}

}  // namespace

GenericLabelLoss::GenericLabelLoss(std::shared_ptr<const LabelFileReader> labels, GenericLabelLossOptions options,
                                   model::CausalLM frozen_base, std::shared_ptr<const train::TokenBlocks> retain)
    : labels_(std::move(labels)), options_(options), frozen_base_(std::move(frozen_base)), retain_(std::move(retain)) {
  const auto& h = labels_->header();
  if (options_.label_set < 0 || options_.label_set >= h.label_sets)
    throw Error("unlearn: the label file has no label set " + std::to_string(options_.label_set));
  if (options_.soft && h.soft_top_k == 0) throw Error("unlearn: soft targets asked for, but the label file has none");
  if (options_.retain_weight > 0 && (!retain_ || (!frozen_base_ && options_.retain_loss == RetainLoss::kl)))
    throw Error("unlearn: retain regularisation needs retain text, and for KL the baseline model");
}

torch::Tensor GenericLabelLoss::operator()(model::CausalLM& model, const torch::Tensor& block_indices, int64_t) const {
  auto loss = label_loss(model, block_indices);
  if (options_.retain_weight > 0) loss = loss + options_.retain_weight * retain_loss(model, block_indices[0][0].item<int64_t>());
  return loss;
}

torch::Tensor GenericLabelLoss::label_loss(model::CausalLM& model, const torch::Tensor& block_indices) const {
  const auto device = model->output_weight().device();
  std::vector<std::vector<int32_t>> tokens, labels, soft_ids;
  std::vector<std::vector<float>> soft_probabilities;
  for (int64_t b = 0; b < block_indices.size(0); ++b) {
    auto r = labels_->read(block_indices[b][0].item<int64_t>());
    tokens.push_back(std::move(r.tokens));
    labels.push_back(std::move(r.labels[options_.label_set]));
    if (options_.soft) {
      soft_ids.push_back(std::move(r.soft_ids[options_.label_set]));
      soft_probabilities.push_back(std::move(r.soft_probabilities[options_.label_set]));
    }
  }
  auto logits = model->forward(stacked(tokens).to(device));  // (B,L,V)
  const int64_t vocab = logits.size(-1);
  if (!options_.soft) {
    return torch::nn::functional::cross_entropy(
        logits.reshape({-1, vocab}).to(torch::kFloat), stacked(labels).reshape({-1}).to(device),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
  }
  const int64_t k = labels_->header().soft_top_k, batch = logits.size(0), length = logits.size(1);
  auto ids = stacked(soft_ids).view({batch, length, k}).to(device);                 // (B,L,k)
  std::vector<torch::Tensor> prob_rows;
  for (const auto& p : soft_probabilities) prob_rows.push_back(torch::tensor(p));
  auto probabilities = torch::stack(prob_rows).view({batch, length, k}).to(device);  // (B,L,k)
  auto log_probabilities = torch::log_softmax(logits.to(torch::kFloat), -1).gather(-1, ids);
  auto per_position = -(probabilities * log_probabilities).sum(-1);  // (B,L)
  auto labelled = probabilities.sum(-1).gt(0);
  return per_position.masked_select(labelled).mean();
}

torch::Tensor GenericLabelLoss::retain_loss(model::CausalLM& model, int64_t batch_index) const {
  const auto device = model->output_weight().device();
  auto tokens = retain_->batch(batch_index, options_.retain_batch_size).to(device);  // (B,L)
  return retain_term(model, frozen_base_, tokens, options_.retain_loss);
}

}  // namespace lethe::unlearn
