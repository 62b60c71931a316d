#pragma once
// The one training loop of lethe: pretraining, the reinforced model and the unlearning fine-tunes
// all run here, each with its own loss function. The loop owns batching, AdamW, the schedule,
// gradient accumulation and clipping, periodic evaluation, the metrics log, progress, atomic
// checkpoints and exact resume, and a clean stop on Ctrl-C.
#include <torch/torch.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "model/llama.h"
#include "train/schedule.h"
#include "train/token_blocks.h"

namespace lethe::train {

struct TrainerOptions {
  int64_t steps = 1000;       // optimizer steps
  int64_t batch_size = 8;     // blocks per micro-batch
  int64_t accumulation = 1;   // micro-batches per optimizer step
  double lr = 3e-4;
  double min_lr_ratio = 0.1;
  int64_t warmup_steps = 0;
  double weight_decay = 0.1;
  double beta1 = 0.9;
  double beta2 = 0.95;
  double grad_clip = 1.0;     // max global gradient norm; 0 disables clipping
  int64_t log_every = 10;
  int64_t eval_every = 100;   // 0: never
  int64_t eval_batches = 8;
  int64_t checkpoint_every = 100;
  std::filesystem::path run_dir;  // checkpoint.pt and metrics.jsonl live here
  bool show_progress = true;
  // Figures measured on the model every probe_every steps and before a fresh run's first step,
  // logged as {"step": N, "eval": {...}}: e.g. forget and retain QA during an unlearning fine-tune.
  std::function<nlohmann::json(model::CausalLM&)> probe;
  int64_t probe_every = 0;  // 0: never
  bool activation_checkpointing = false;  // each decoder layer recomputed in backward (less memory)
  // Across processes (ZeRO): 1, the optimizer states sharded, each process updating its share of
  // the weights and the shares gathered; 2, the summed gradients sharded too. 0: all everywhere.
  int64_t zero_stage = 0;
  // Sharpness-aware minimisation (train/sharpness_aware.h): each step's gradient taken at the
  // weights moved by rho along the normalised gradient (twice the compute). 0: off.
  double sam_rho = 0.0;
};

// Loss of one micro-batch of blocks (B,L); returns a scalar to minimise. batch_index is the
// micro-batch's index in the run (step * accumulation + micro-batch), so that a loss drawing a
// second batch of its own (retain text) draws the same one when a run is resumed.
using LossFunction = std::function<torch::Tensor(model::CausalLM&, const torch::Tensor& blocks, int64_t batch_index)>;
torch::Tensor next_token_loss_function(model::CausalLM& model, const torch::Tensor& blocks, int64_t batch_index = 0);

enum class TrainStatus { finished, interrupted };

class Trainer {
 public:
  Trainer(model::CausalLM model, TrainerOptions options, LossFunction loss = next_token_loss_function);

  // Trains to options.steps, resuming from run_dir/checkpoint.pt if it exists. On an interrupt
  // request it saves a checkpoint and returns `interrupted`.
  TrainStatus run(const TokenBlocks& train, const TokenBlocks* eval = nullptr);

  // Mean loss over eval_batches batches of `blocks`, without gradients.
  double evaluate(const TokenBlocks& blocks);

  int64_t step() const { return step_; }
  std::filesystem::path checkpoint_path() const { return options_.run_dir / "checkpoint.pt"; }

 private:
  double train_step(const TokenBlocks& train, double lr);  // returns the step's mean loss
  double clip_gradients();                                 // returns the global gradient norm
  std::filesystem::path optimizer_shard_path() const;      // this process's, under ZeRO
  void save_checkpoint();
  void load_checkpoint();
  void append_metrics(const nlohmann::json& record);
  void run_probe();
  // A resumed run rewrites what followed its checkpoint; a fresh run (step 0) starts an empty log.
  void drop_metrics_after(int64_t step);

  model::CausalLM model_;
  TrainerOptions options_;
  LossFunction loss_;
  Schedule schedule_;
  std::vector<torch::Tensor> trained_;  // the weights that learn: all, or LoRA's adapters
  std::vector<int> owners_;             // ZeRO: the process updating each of trained_; else empty
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  int64_t step_ = 0;
  double last_grad_norm_ = 0.0;
};

// Ctrl-C (SIGINT) and SIGTERM ask a running Trainer to checkpoint and stop at the next step.
void install_interrupt_handler();
bool interrupt_requested();
void request_interrupt();  // what the handler does
void clear_interrupt();

}  // namespace lethe::train
