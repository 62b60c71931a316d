#include "unlearn/stages.h"

#include <cmath>
#include <numeric>

#include "model/checkpoint.h"
#include "model/lora.h"
#include "unlearn/forget_method_loss.h"
#include "unlearn/rmu.h"

namespace lethe::unlearn {

double scaled_lr(double paper_lr, int64_t parameters) {
  return std::min(1e-3, train::lr_scaled_from_7b(paper_lr, parameters));
}

int64_t steps_for_epochs(double epochs, int64_t blocks, const train::TrainerOptions& t) {
  return std::max<int64_t>(1, std::llround(epochs * blocks / static_cast<double>(t.batch_size * t.accumulation)));
}

void save_fine_tuned(model::CausalLM& model, const std::filesystem::path& dir,
                     const std::optional<model::LoraOptions>& lora, torch::Dtype dtype,
                     const std::filesystem::path& base) {
  if (lora) {
    model::save_peft_adapter(model, *lora, dir / "adapter", base.string());
    model::merge_lora(model);
  }
  model::save_model(model, dir, dtype, base);
}

train::TrainStatus reinforce(model::CausalLM& model, const train::TokenBlocks& forget, train::TrainerOptions trainer) {
  train::Trainer t(model, std::move(trainer));
  return t.run(forget);
}

train::TrainStatus finetune_on_labels(model::CausalLM& model, std::shared_ptr<const LabelFileReader> labels,
                                      GenericLabelLossOptions loss, train::TrainerOptions trainer, uint64_t seed,
                                      model::CausalLM frozen_base, std::shared_ptr<const train::TokenBlocks> retain) {
  // The Trainer serves block indices: the stream 0..N-1 cut into blocks of one.
  std::vector<int32_t> indices(labels->block_count());
  std::iota(indices.begin(), indices.end(), 0);
  train::TokenBlocks blocks(indices, 1, seed);
  train::Trainer t(model, std::move(trainer), GenericLabelLoss(std::move(labels), loss, std::move(frozen_base), std::move(retain)));
  return t.run(blocks);
}

train::TrainStatus finetune_on_forget(model::CausalLM& model, const train::TokenBlocks& forget, ForgetLossOptions loss,
                                      train::TrainerOptions trainer, model::CausalLM frozen_base,
                                      std::shared_ptr<const train::TokenBlocks> retain) {
  if (loss.method == ForgetMethod::rmu) {
    const int64_t layer = rmu_layer(loss.rmu, model->config().num_hidden_layers);
    freeze_all_but_rmu_mlps(model, layer);
    const auto device = model->output_weight().device();
    RmuLoss rmu(loss.rmu, layer, loss.retain_weight, std::move(frozen_base), std::move(retain),
                forget.batch(0, trainer.batch_size).to(device));
    train::Trainer t(model, std::move(trainer), std::move(rmu));
    return t.run(forget);
  }
  train::Trainer t(model, std::move(trainer), ForgetMethodLoss(loss, std::move(frozen_base), std::move(retain)));
  return t.run(forget);
}

}  // namespace lethe::unlearn
