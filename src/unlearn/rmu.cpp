#include "unlearn/rmu.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/core.h>

#include <algorithm>

#include "util/error.h"

namespace lethe::unlearn {

int64_t rmu_layer(const RmuOptions& options, int64_t num_layers) {
  const int64_t layer = options.layer >= 0 ? options.layer : num_layers / 4;
  if (layer >= num_layers)
    throw Error(fmt::format("[rmu] layer {}: the model has {} layers (0 .. {})", layer, num_layers, num_layers - 1));
  return layer;
}

torch::Tensor rmu_direction(int64_t hidden_size, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  auto u = torch::rand({hidden_size}, generator, torch::TensorOptions().dtype(torch::kFloat));
  return u / u.norm();
}

torch::Tensor rmu_loss(const torch::Tensor& h_forget, const torch::Tensor& target, const torch::Tensor& h_retain,
                       const torch::Tensor& h_retain_base, double retain_weight) {
  auto loss = (h_forget - target).pow(2).mean();
  if (h_retain.defined() && retain_weight > 0) loss = loss + retain_weight * (h_retain - h_retain_base).pow(2).mean();
  return loss;
}

void freeze_all_but_rmu_mlps(model::CausalLM& model, int64_t layer) {
  for (auto& p : model->parameters()) p.set_requires_grad(false);
  for (int64_t i = std::max<int64_t>(0, layer - 2); i <= layer; ++i)
    for (auto& p : model->model->layers[i]->as<model::DecoderLayer>()->mlp->parameters()) p.set_requires_grad(true);
}

RmuLoss::RmuLoss(const RmuOptions& options, int64_t layer, double retain_weight, model::CausalLM frozen_base, std::shared_ptr<const train::TokenBlocks> retain,
                 const torch::Tensor& first_forget)
    : layer_(layer), steering_(options.steering), retain_weight_(retain_weight), frozen_base_(std::move(frozen_base)),
      retain_(std::move(retain)) {
  if (!frozen_base_) throw Error("unlearn: RMU needs the frozen base model");
  if (retain_weight_ > 0 && !retain_) throw Error("unlearn: a retain term needs retain text");
  frozen_base_->eval();
  if (steering_ <= 0) steering_ = base_hidden(first_forget).norm(2, -1).mean().item<double>();
  const auto device = frozen_base_->output_weight().device();
  target_ = (steering_ * rmu_direction(frozen_base_->config().hidden_size, options.seed)).to(device);
}

torch::Tensor RmuLoss::operator()(model::CausalLM& model, const torch::Tensor& blocks, int64_t batch_index) const {
  auto h_forget = model->layer_output(blocks, layer_);  // (B,L,C)
  if (retain_weight_ <= 0) return rmu_loss(h_forget, target_, {}, {}, 0);
  auto retain = retain_->batch(batch_index, retain_batch_size_).to(blocks.device());  // (B',L)
  return rmu_loss(h_forget, target_, model->layer_output(retain, layer_), base_hidden(retain), retain_weight_);
}

torch::Tensor RmuLoss::base_hidden(const torch::Tensor& tokens) const {
  torch::NoGradGuard no_grad;
  return frozen_base_->layer_output(tokens, layer_);
}

}  // namespace lethe::unlearn
