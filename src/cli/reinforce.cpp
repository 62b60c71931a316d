// lethe reinforce BASE --forget F.txt --out DIR: stage 1 of the method, the reinforced model: the
// baseline fine-tuned on the forget corpus with the ordinary next-token loss.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "cli/runtime.h"
#include "dist/world.h"
#include "cli/training_options.h"
#include "model/checkpoint.h"
#include "model/lora.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "train/trainer.h"
#include "unlearn/stages.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct ReinforceOptions {
  std::string base_dir;
  std::vector<std::string> forget_files;
  std::string out_dir;
  double epochs = 3.0;  // the paper's
  int64_t block_length = 512;
  std::string save_dtype = "float32";
  uint64_t seed = 0;
  train::TrainerOptions trainer;
  bool lora = false;
  model::LoraOptions lora_options;
  RuntimeOptions runtime;
};

void run_reinforce(ReinforceOptions o) {
  apply_runtime(o.runtime);
  train::install_interrupt_handler();
  auto device = o.runtime.resolve_device();
  auto tok = tokenizer::load_tokenizer(o.base_dir);
  auto model = model::load_causal_lm(o.base_dir, device, o.runtime.dtype == "auto" ? torch::kFloat : o.runtime.resolve_dtype(device));
  if (o.lora) model::add_lora(model, o.lora_options, o.seed);
  const int64_t block_length = std::min(o.block_length, model->config().max_position_embeddings);
  auto stream = train::token_stream(*tok, o.forget_files);
  if (static_cast<int64_t>(stream.size()) < block_length)
    throw Error(fmt::format("--forget: the corpus has {} tokens, fewer than one block of {} (--block-length)",
                            stream.size(), block_length));
  train::TokenBlocks blocks(stream, block_length, o.seed);
  auto& t = o.trainer;
  t.steps = unlearn::steps_for_epochs(o.epochs, blocks.block_count(), t);
  if (t.lr <= 0) t.lr = unlearn::scaled_lr(unlearn::kPaperReinforceLr, model->config().parameter_count());
  t.run_dir = std::filesystem::path(o.out_dir) / "run";
  fmt::print(stderr, "reinforcing on {} tokens ({} blocks of {}): {} steps at lr {:.2e}\n", stream.size(),
             blocks.block_count(), block_length, t.steps, t.lr);
  if (unlearn::reinforce(model, blocks, t) == train::TrainStatus::interrupted) exit_interrupted(t);
  if (!dist::World::get().is_main()) return;  // the main process writes the model
  unlearn::save_fine_tuned(model, o.out_dir, o.lora ? std::optional(o.lora_options) : std::nullopt,
                           model::parse_dtype(o.save_dtype), o.base_dir);
  fmt::print("reinforced model written to {}\n", o.out_dir);
}

}  // namespace

void register_reinforce(CLI::App& app) {
  auto o = std::make_shared<ReinforceOptions>();
  o->trainer.batch_size = 8;
  o->trainer.accumulation = 16;  // 128 blocks per step, as the paper
  o->trainer.lr = 0;
  o->trainer.weight_decay = 0.0;
  o->trainer.min_lr_ratio = 1.0;  // constant after warmup
  auto* cmd = app.add_subcommand("reinforce", "Stage 1: fine-tune the baseline on the forget corpus (the reinforced model)");
  cmd->add_option("base", o->base_dir, "baseline model directory")->required();
  cmd->add_option("--forget", o->forget_files, "forget corpus text file (repeatable)")->required();
  cmd->add_option("--out", o->out_dir, "output model directory")->required();
  cmd->add_option("--epochs", o->epochs, "passes over the forget corpus")->check(follows(util::above(0)))
      ->capture_default_str();
  cmd->add_option("--block-length", o->block_length, "tokens per block (at most the model's context)")
      ->check(follows(util::at_least(2)))->capture_default_str();
  cmd->add_option("--save-dtype", o->save_dtype, "dtype of the written weights")->check(weight_dtype_check())
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the data order")->capture_default_str();
  add_trainer_options(cmd, o->trainer, /*with_steps=*/false);
  cmd->add_flag("--lora", o->lora, "train LoRA adapters on the frozen model (--dtype: the frozen weights' dtype); "
                "OUT gets the merged model and OUT/adapter the adapters as PEFT writes them");
  cmd->add_option("--lora-rank", o->lora_options.rank, "adapter rank")->check(follows(util::at_least(1)))
      ->capture_default_str();
  cmd->add_option("--lora-alpha", o->lora_options.alpha, "adapter alpha (scale alpha / rank)")
      ->check(follows(util::above(0)))->capture_default_str();
  cmd->add_option("--lora-targets", o->lora_options.targets, "projections with adapters")
      ->check(CLI::IsMember(model::kLoraTargets))->capture_default_str();
  cmd->get_option("--lr")->description("peak learning rate (0: the paper's, scaled to the model's size)");
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_reinforce(*o); });
}

}  // namespace lethe::cli
