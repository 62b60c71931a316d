// lethe plan MODEL --config FILE.toml: memory per device and time of each stage before a run (see
// unlearn/resource_plan.h). MODEL: a model directory, or only its config.json.
#include <fmt/core.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "model/config.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "unlearn/pipeline_config.h"
#include "unlearn/resource_plan.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

namespace fs = std::filesystem;

struct PlanOptions {
  std::string model;
  std::string config;
  int64_t forget_tokens = 0;  // 0: counted in the config's forget files
  unlearn::Hardware hardware;
};

// Tokens of the files with the model's tokenizer, or about a token per 4 bytes without one.
struct TokenCount {
  int64_t tokens = 0;
  bool estimated = false;
};

TokenCount count_tokens(const fs::path& model_dir, const std::vector<fs::path>& files) {
  std::vector<std::string> names(files.begin(), files.end());
  try {
    auto tok = tokenizer::load_tokenizer(model_dir);
    return {static_cast<int64_t>(train::token_stream(*tok, names).size()), false};
  } catch (const Error&) {
    int64_t bytes = 0;
    for (const auto& f : files) {
      std::error_code error;
      const auto size = fs::file_size(f, error);
      if (error) throw Error(fmt::format("{}: cannot read its size: {}", f.string(), error.message()));
      bytes += static_cast<int64_t>(size);
    }
    return {bytes / 4, true};
  }
}

std::string count(double n) {
  if (n >= 1e9) return fmt::format("{:.2f}B", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  return fmt::format("{:.0f}", n);
}

std::string gigabytes(double bytes) { return fmt::format("{:.1f}", bytes / 1e9); }

std::string duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f} s", seconds);
  if (seconds < 3600) return fmt::format("{:.1f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

void run_plan(const PlanOptions& o) {
  const fs::path model_path(o.model);
  const fs::path model_dir = fs::is_directory(model_path) ? model_path : model_path.parent_path();
  auto model = model::read_model_config(model_dir);
  auto config = unlearn::read_pipeline_config(o.config);
  const auto& hw = o.hardware;
  if (config.accumulation % hw.devices != 0)
    throw Error(fmt::format("{}: accumulation {} cannot be shared by {} devices: make it a multiple of them", o.config,
                            config.accumulation, hw.devices));
  auto forget = o.forget_tokens > 0 ? TokenCount{o.forget_tokens, false} : count_tokens(model_dir, config.forget);
  if (config.distill_alpha >= 0 && config.distill_tokens == 0)
    config.distill_tokens = count_tokens(model_dir, config.distill_text).tokens;
  auto plan = unlearn::plan_resources(model, config, forget.tokens, hw);

  fmt::print("{}: {} parameters, {} trained ({}), {} device{} of {:g} GB at {:g} TFLOP/s, MFU {:.2f}\n",
             model_dir.string(), count(plan.parameters), count(plan.trained_parameters),
             config.lora ? fmt::format("LoRA rank {}", config.lora->rank) : "full fine-tune", hw.devices,
             hw.devices > 1 ? "s" : "", hw.device_memory_gb, hw.peak_tflops, hw.mfu);
  fmt::print("forget corpus: {} tokens{}; {} blocks of {} per micro-batch, activation checkpointing {}, ZeRO stage {}\n",
             forget.tokens, forget.estimated ? " (estimated as bytes / 4: no tokenizer beside the config)" : "",
             config.batch_size, std::min(config.block_length, model.max_position_embeddings),
             config.activation_checkpointing ? "on" : "off", config.zero_stage);
  fmt::print("\n{:<10} {:>8} {:>9} {:>9} {:>11} {:>12} {:>9}  {:<4} {:>9}\n", "stage", "weights", "gradients",
             "optimizer", "activations", "other models", "total GB", "fits", "time");
  for (const auto& s : plan.stages)
    fmt::print("{:<10} {:>8} {:>9} {:>9} {:>11} {:>12} {:>9}  {:<4} {:>9}\n", s.name, gigabytes(s.weights),
               gigabytes(s.gradients), gigabytes(s.optimizer), gigabytes(s.activations), gigabytes(s.other_models),
               gigabytes(s.total()), s.total() <= hw.device_memory_gb * 1e9 ? "yes" : "NO", duration(s.seconds));
  fmt::print("\nGB per device (1e9 bytes); time for the whole stage on all devices. While a model loads, its "
             "checkpoint file ({} GB) is also mapped into host memory.\n",
             gigabytes(static_cast<double>(plan.parameters) * (model.torch_dtype == "float32" ? 4 : 2)));
  if (!config.activation_checkpointing) {
    auto checkpointed = config;
    checkpointed.activation_checkpointing = true;
    for (const auto& s : unlearn::plan_resources(model, checkpointed, forget.tokens, hw).stages)
      if (s.name == "fine-tune")
        fmt::print("With activation_checkpointing = true, the fine-tune's activations would be {} GB (total {} GB).\n",
                   gigabytes(s.activations), gigabytes(s.total()));
  }
}

}  // namespace

void register_plan(CLI::App& app) {
  auto o = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand("plan", "Memory per device and time of each stage of a pipeline, before running it");
  cmd->add_option("model", o->model, "model directory, or its config.json alone (overrides the file's base)")
      ->required();
  cmd->add_option("--config", o->config, "pipeline TOML file (see configs/)")->required();
  cmd->add_option("--forget-tokens", o->forget_tokens, "the forget corpus's size in tokens (default: counted)")
      ->check(follows(util::at_least(0)));
  cmd->add_option("--devices", o->hardware.devices, "processes, one per device")
      ->check(follows(util::at_least(1)))->capture_default_str();
  cmd->add_option("--device-memory", o->hardware.device_memory_gb, "GB of memory per device")
      ->check(follows(util::above(0)))->capture_default_str();
  cmd->add_option("--peak-tflops", o->hardware.peak_tflops, "dense TFLOP/s per device for lethe's float32 products (TF32 on A100: 156, H100 SXM: 495)")
      ->check(follows(util::above(0)))->capture_default_str();
  cmd->add_option("--mfu", o->hardware.mfu, "share of the peak reached")->check(follows(util::between(0.001, 1)))
      ->capture_default_str();
  cmd->callback([o] { run_plan(*o); });
}

}  // namespace lethe::cli
