#include "cli/training_options.h"

#include <fmt/core.h>

namespace lethe::cli {

void add_trainer_options(CLI::App* cmd, train::TrainerOptions& t, bool with_steps) {
  if (with_steps) cmd->add_option("--steps", t.steps, "optimizer steps")->capture_default_str();
  cmd->add_option("--batch-size", t.batch_size, "blocks per micro-batch")->capture_default_str();
  cmd->add_option("--accumulation", t.accumulation, "micro-batches per step")->capture_default_str();
  cmd->add_option("--lr", t.lr, "peak learning rate")->capture_default_str();
  cmd->add_option("--min-lr-ratio", t.min_lr_ratio, "final lr / peak lr (cosine)")->capture_default_str();
  cmd->add_option("--warmup", t.warmup_steps, "linear warmup steps")->capture_default_str();
  cmd->add_option("--weight-decay", t.weight_decay, "AdamW weight decay")->capture_default_str();
  cmd->add_option("--grad-clip", t.grad_clip, "max gradient norm (0: off)")->capture_default_str();
  cmd->add_option("--log-every", t.log_every, "steps between metrics records")->capture_default_str();
  cmd->add_option("--eval-every", t.eval_every, "steps between eval losses")->capture_default_str();
  cmd->add_option("--checkpoint-every", t.checkpoint_every, "steps between checkpoints")->capture_default_str();
}

void exit_interrupted(const train::TrainerOptions& options) {
  fmt::print(stderr, "checkpoint saved in {}: run the same command again to resume\n", options.run_dir.string());
  throw CLI::RuntimeError(130);
}

}  // namespace lethe::cli
