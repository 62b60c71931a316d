#pragma once
// The training stages as library functions, shared by `lethe reinforce`, `lethe unlearn` and the
// tests: each is a run of the one Trainer, resumable from its run directory.
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "model/llama.h"
#include "model/lora_options.h"
#include "train/token_blocks.h"
#include "train/trainer.h"
#include "unlearn/forget_method_options.h"
#include "unlearn/generic_label_loss.h"
#include "unlearn/label_file.h"

namespace lethe::unlearn {

// The paper's scale (Llama2-7b): stage 1 lr 3e-6 for 3 epochs, stage 4 lr 1e-6 for 2 epochs, 128
// blocks per step. Smaller models take larger steps: lr * sqrt(7e9 / parameters), at most 1e-3.
double scaled_lr(double paper_lr, int64_t parameters);
constexpr double kPaperReinforceLr = 3e-6;
constexpr double kPaperFinetuneLr = 1e-6;
constexpr double kDistillLr = 3e-5;     // UNDO's distillation, a full fine-tune of a damaged model
constexpr double kForgetLossLr = 1e-5;  // the field's fine-tuning unlearners at 7B (TOFU's NPO, GradDiff)

// Optimizer steps for `epochs` passes over `blocks` blocks (at least one).
int64_t steps_for_epochs(double epochs, int64_t blocks, const train::TrainerOptions& trainer);

// A fine-tuned model written into dir as a Hugging Face checkpoint in `dtype`, with the tokenizer
// files of `base`; with adapters, first the adapters as PEFT writes them into dir/adapter, then
// merged into the weights.
void save_fine_tuned(model::CausalLM& model, const std::filesystem::path& dir,
                     const std::optional<model::LoraOptions>& lora, torch::Dtype dtype,
                     const std::filesystem::path& base);

// Stage 1: next-token fine-tune on the forget corpus.
train::TrainStatus reinforce(model::CausalLM& model, const train::TokenBlocks& forget, train::TrainerOptions trainer);

// Stage 4: fine-tune on the label file's generic labels; frozen_base and retain only with
// loss.retain_weight > 0.
train::TrainStatus finetune_on_labels(model::CausalLM& model, std::shared_ptr<const LabelFileReader> labels,
                                      GenericLabelLossOptions loss, train::TrainerOptions trainer, uint64_t seed,
                                      model::CausalLM frozen_base = nullptr,
                                      std::shared_ptr<const train::TokenBlocks> retain = nullptr);

// The field's fine-tuning unlearners (forget_method_loss.h): a fine-tune on the forget blocks with
// the method's loss; frozen_base when needs_frozen_base(loss), retain with loss.retain_weight > 0.
train::TrainStatus finetune_on_forget(model::CausalLM& model, const train::TokenBlocks& forget, ForgetLossOptions loss,
                                      train::TrainerOptions trainer, model::CausalLM frozen_base = nullptr,
                                      std::shared_ptr<const train::TokenBlocks> retain = nullptr);

}  // namespace lethe::unlearn
