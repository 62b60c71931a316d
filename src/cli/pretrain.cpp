// lethe pretrain: train a fresh model from a config.json and a tokenizer on text files.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/trainer.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct PretrainOptions {
  std::string config_path;
  std::string tokenizer_dir;
  std::vector<std::string> data_files;
  std::string eval_file;
  std::string out_dir;
  int64_t sequence = 256;
  uint64_t seed = 0;
  train::TrainerOptions trainer;
  RuntimeOptions runtime;
};

// The files' tokens end to end, each file opened by BOS (as encode adds it) and closed by EOS.
std::vector<int32_t> token_stream(const tokenizer::Tokenizer& tok, const std::vector<std::string>& files) {
  std::vector<int32_t> stream;
  for (const auto& file : files) {
    auto ids = tok.encode(io::read_file(file), /*add_special=*/true);
    stream.insert(stream.end(), ids.begin(), ids.end());
    if (tok.eos_id) stream.push_back(*tok.eos_id);
  }
  return stream;
}

int run_pretrain(PretrainOptions o) {
  apply_runtime(o.runtime);
  train::install_interrupt_handler();
  auto device = o.runtime.resolve_device();
  auto tok = tokenizer::load_tokenizer(o.tokenizer_dir);
  auto config = model::parse_model_config(io::read_json(o.config_path), o.config_path);
  if (config.vocab_size < tok->vocab_size())
    throw Error(fmt::format("{}: vocab_size {} is smaller than the tokenizer's {} tokens", o.config_path,
                            config.vocab_size, tok->vocab_size()));
  model::CausalLM model(config);
  model::initialize_parameters(model, o.seed);
  // Training keeps float32 weights unless asked otherwise (bfloat16 weights lose small updates).
  model->to(device, o.runtime.dtype == "auto" ? torch::kFloat : o.runtime.resolve_dtype(device));

  auto train_stream = token_stream(*tok, o.data_files);
  train::TokenBlocks train_blocks(train_stream, o.sequence, o.seed);
  std::unique_ptr<train::TokenBlocks> eval_blocks;
  if (!o.eval_file.empty())
    eval_blocks = std::make_unique<train::TokenBlocks>(token_stream(*tok, {o.eval_file}), o.sequence, o.seed + 1);
  fmt::print(stderr, "{} parameters, {} training tokens in {} blocks of {}\n", config.parameter_count(),
             train_stream.size(), train_blocks.block_count(), o.sequence);

  o.trainer.run_dir = std::filesystem::path(o.out_dir) / "run";
  train::Trainer trainer(model, o.trainer);
  if (trainer.run(train_blocks, eval_blocks.get()) == train::TrainStatus::interrupted) {
    fmt::print(stderr, "run the same command again to resume from step {}\n", trainer.step());
    return 130;
  }
  model::save_model(model, o.out_dir, torch::kFloat, o.tokenizer_dir);
  fmt::print("model written to {}\n", o.out_dir);
  return 0;
}

}  // namespace

void register_pretrain(CLI::App& app) {
  auto o = std::make_shared<PretrainOptions>();
  auto& t = o->trainer;
  auto* cmd = app.add_subcommand("pretrain", "Train a new model from config.json and a tokenizer on text files");
  cmd->add_option("--config", o->config_path, "model config.json (Hugging Face field names)")->required();
  cmd->add_option("--tokenizer", o->tokenizer_dir, "directory with tokenizer.model or tokenizer.json")->required();
  cmd->add_option("--data", o->data_files, "training text file (repeatable)")->required();
  cmd->add_option("--eval", o->eval_file, "held-out text file for the eval loss");
  cmd->add_option("--out", o->out_dir, "output model directory (its run/ holds checkpoint and metrics)")->required();
  cmd->add_option("--sequence", o->sequence, "tokens per training block")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the initial weights and the data order")->capture_default_str();
  cmd->add_option("--steps", t.steps, "optimizer steps")->capture_default_str();
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
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] {
    int code = run_pretrain(*o);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace lethe::cli
