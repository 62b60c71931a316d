// lethe unlearn --config FILE.toml: the whole method from one file (see unlearn/pipeline.h).
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "dist/world.h"
#include "eval/training_probe.h"
#include "train/trainer.h"
#include "unlearn/pipeline.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct UnlearnOptions {
  std::string config;
  RuntimeOptions runtime;
};

void run_unlearn(const UnlearnOptions& o) {
  apply_runtime(o.runtime);
  // Every stage trains and labels in float32 (frozen weights in bfloat16 come with adapters);
  // a --dtype asking for less is refused rather than ignored.
  if (o.runtime.dtype != "auto" && o.runtime.dtype != "float32")
    throw Error(fmt::format("--dtype {}: lethe unlearn trains in float32 (save_dtype sets the written weights)",
                            o.runtime.dtype));
  train::install_interrupt_handler();
  auto config = unlearn::read_pipeline_config(o.config);
  fmt::print(stderr, "method {}: {} -> {}\n", config.method, config.base.string(), config.result_dir().string());
  if (unlearn::run_pipeline(config, o.runtime.resolve_device(), eval::make_training_probe) ==
      unlearn::PipelineStatus::interrupted) {
    fmt::print(stderr, "interrupted: run the same command again to resume\n");
    throw CLI::RuntimeError(130);
  }
  if (dist::World::get().is_main()) fmt::print("unlearned model written to {}\n", config.result_dir().string());
}

}  // namespace

void register_unlearn(CLI::App& app) {
  auto o = std::make_shared<UnlearnOptions>();
  auto* cmd = app.add_subcommand("unlearn", "The whole method from one TOML file (presets whp, whp-plus, whp-plus-undo)");
  cmd->add_option("--config", o->config, "pipeline TOML file (see configs/)")->required();
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_unlearn(*o); });
}

}  // namespace lethe::cli
