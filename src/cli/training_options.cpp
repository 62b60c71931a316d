#include "cli/training_options.h"

#include <fmt/core.h>

#include "cli/number_checks.h"

namespace lethe::cli {

void add_trainer_options(CLI::App* cmd, train::TrainerOptions& t, bool with_steps) {
  using util::at_least;
  if (with_steps)
    cmd->add_option("--steps", t.steps, "optimizer steps")->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--batch-size", t.batch_size, "blocks per micro-batch")->check(follows(at_least(1)))
      ->capture_default_str();
  cmd->add_option("--accumulation", t.accumulation, "micro-batches per step")->check(follows(at_least(1)))
      ->capture_default_str();
  cmd->add_option("--lr", t.lr, "peak learning rate")->check(follows(at_least(0)))->capture_default_str();
  cmd->add_option("--min-lr-ratio", t.min_lr_ratio, "final lr / peak lr (cosine)")
      ->check(follows(util::between(0, 1)))->capture_default_str();
  cmd->add_option("--warmup", t.warmup_steps, "linear warmup steps")->check(follows(at_least(0)))
      ->capture_default_str();
  cmd->add_option("--weight-decay", t.weight_decay, "AdamW weight decay")->check(follows(at_least(0)))
      ->capture_default_str();
  cmd->add_option("--grad-clip", t.grad_clip, "max gradient norm (0: off)")->check(follows(at_least(0)))
      ->capture_default_str();
  cmd->add_option("--log-every", t.log_every, "steps between metrics records")->check(follows(at_least(1)))
      ->capture_default_str();
  cmd->add_option("--eval-every", t.eval_every, "steps between eval losses (0: never)")
      ->check(follows(at_least(0)))->capture_default_str();
  cmd->add_flag("--activation-checkpointing", t.activation_checkpointing,
                "keep only each layer's input and recompute the layer in backward: less memory, ~1/3 more compute");
  cmd->add_option("--zero-stage", t.zero_stage,
                  "across processes: 1 shards the optimizer states, 2 the gradients too (0: off)")
      ->check(follows(util::between(0, 2)))->capture_default_str();
  cmd->add_option("--sam-rho", t.sam_rho,
                  "sharpness-aware: the gradient taken at the weights moved by this radius (0: off)")
      ->check(follows(at_least(0)))->capture_default_str();
  cmd->add_option("--checkpoint-every", t.checkpoint_every, "steps between checkpoints")
      ->check(follows(at_least(1)))->capture_default_str();
}

void exit_interrupted(const train::TrainerOptions& options) {
  fmt::print(stderr, "checkpoint saved in {}: run the same command again to resume\n", options.run_dir.string());
  throw CLI::RuntimeError(130);
}

}  // namespace lethe::cli
