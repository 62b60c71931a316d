// lethe pretrain: train a fresh model from a config.json and a tokenizer on text files, or continue
// training a model directory (--init) on more text.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "cli/runtime.h"
#include "dist/world.h"
#include "cli/training_options.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "train/trainer.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct PretrainOptions {
  std::string config_path;
  std::string init_dir;  // continue from these weights instead of random ones
  std::string tokenizer_dir;
  std::vector<std::string> data_files;
  std::string eval_file;
  std::string out_dir;
  std::string save_dtype = "float32";
  int64_t sequence = 256;
  bool sequence_given = false;  // an explicit --sequence past the context is an error; the default is cut
  uint64_t seed = 0;
  train::TrainerOptions trainer;
  RuntimeOptions runtime;
};

void run_pretrain(PretrainOptions o) {
  apply_runtime(o.runtime);
  train::install_interrupt_handler();
  if (o.config_path.empty() && o.init_dir.empty())
    throw Error("lethe pretrain: give --config for a new model or --init to continue training one");
  auto device = o.runtime.resolve_device();
  auto tok = tokenizer::load_tokenizer(o.tokenizer_dir);
  std::string config_path = o.init_dir.empty() ? o.config_path : o.init_dir + "/config.json";
  auto config = model::parse_model_config(io::read_json(config_path), config_path);
  if (config.vocab_size < tok->vocab_size())
    throw Error(fmt::format("{}: vocab_size {} is smaller than the tokenizer's {} tokens", config_path,
                            config.vocab_size, tok->vocab_size()));
  if (o.sequence_given && o.sequence > config.max_position_embeddings)
    throw Error(fmt::format("--sequence {} is longer than the model's context of {} tokens (max_position_embeddings "
                            "in {})",
                            o.sequence, config.max_position_embeddings, config_path));
  o.sequence = std::min(o.sequence, config.max_position_embeddings);
  model::check_fits_in_memory(config, config_path);
  model::CausalLM model(config);
  if (o.init_dir.empty())
    model::initialize_parameters(model, o.seed);
  else
    model::load_weights(model, o.init_dir);
  // Training keeps float32 weights unless asked otherwise (bfloat16 weights lose small updates).
  model->to(device, o.runtime.dtype == "auto" ? torch::kFloat : o.runtime.resolve_dtype(device));

  auto train_stream = train::token_stream(*tok, o.data_files);
  if (static_cast<int64_t>(train_stream.size()) < o.sequence)
    throw Error(fmt::format("--data: the text has {} tokens, fewer than one --sequence of {}", train_stream.size(),
                            o.sequence));
  train::TokenBlocks train_blocks(train_stream, o.sequence, o.seed);
  std::unique_ptr<train::TokenBlocks> eval_blocks;
  if (!o.eval_file.empty())
    eval_blocks = std::make_unique<train::TokenBlocks>(train::token_stream(*tok, {o.eval_file}), o.sequence, o.seed + 1);
  fmt::print(stderr, "{} parameters, {} training tokens in {} blocks of {}\n", config.parameter_count(),
             train_stream.size(), train_blocks.block_count(), o.sequence);

  o.trainer.run_dir = std::filesystem::path(o.out_dir) / "run";
  train::Trainer trainer(model, o.trainer);
  if (trainer.run(train_blocks, eval_blocks.get()) == train::TrainStatus::interrupted) exit_interrupted(o.trainer);
  if (!dist::World::get().is_main()) return;  // the main process writes the model
  model::save_model(model, o.out_dir, model::parse_dtype(o.save_dtype), o.tokenizer_dir);
  fmt::print("model written to {}\n", o.out_dir);
}

}  // namespace

void register_pretrain(CLI::App& app) {
  auto o = std::make_shared<PretrainOptions>();
  auto* cmd = app.add_subcommand("pretrain", "Train a new model from config.json and a tokenizer on text files, or continue one (--init)");
  auto* config = cmd->add_option("--config", o->config_path, "model config.json (Hugging Face field names)");
  auto* init = cmd->add_option("--init", o->init_dir, "continue training this model directory instead of a new model");
  config->excludes(init);
  cmd->add_option("--tokenizer", o->tokenizer_dir, "directory with tokenizer.model or tokenizer.json")->required();
  cmd->add_option("--data", o->data_files, "training text file (repeatable)")->required();
  cmd->add_option("--eval", o->eval_file, "held-out text file for the eval loss");
  cmd->add_option("--out", o->out_dir, "output model directory (its run/ holds checkpoint and metrics)")->required();
  cmd->add_option("--save-dtype", o->save_dtype, "dtype of the written weights: float32, bfloat16, float16")
      ->check(weight_dtype_check())->capture_default_str();
  auto* sequence = cmd->add_option("--sequence", o->sequence, "tokens per training block (at most the model's context)")
                       ->check(follows(util::at_least(2)))
                       ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the initial weights and the data order")->capture_default_str();
  add_trainer_options(cmd, o->trainer);
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o, sequence] {
    o->sequence_given = sequence->count() > 0;
    run_pretrain(*o);
  });
}

}  // namespace lethe::cli
