// lethe compare --config FILE.toml: the methods of the file, each at the settings of its grid, on one
// model and one suite, chosen fairly and reported side by side (src/compare/comparison.h).
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/metric_progress.h"
#include "cli/runtime.h"
#include "compare/compare_report.h"
#include "compare/comparison.h"
#include "io/file.h"
#include "train/trainer.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct CompareOptions {
  std::string config;
  RuntimeOptions runtime;
};

void run_compare(const CompareOptions& o) {
  apply_runtime(o.runtime);
  if (o.runtime.dtype != "auto" && o.runtime.dtype != "float32")
    throw Error(fmt::format("--dtype {}: lethe compare trains and evaluates in float32", o.runtime.dtype));
  train::install_interrupt_handler();
  auto config = compare::read_compare_config(o.config);
  size_t runs = 0;
  for (const auto& method : config.methods) runs += method.grid.size();
  fmt::print(stderr, "compare: {} methods, {} runs -> {}\n", config.methods.size(), runs, config.out.string());
  MetricProgress bars;
  if (compare::run_comparison(config, o.runtime.resolve_device(), bars.factory()) ==
      compare::ComparisonStatus::interrupted) {
    fmt::print(stderr, "interrupted: run the same command again to resume\n");
    throw CLI::RuntimeError(130);
  }
  const auto report = config.out / "report.json";
  fmt::print("{}", compare::compare_markdown(io::read_json(report)));
  fmt::print("report written to {} (and .md, .html beside it)\n", report.string());
}

}  // namespace

void register_compare(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  auto* cmd = app.add_subcommand("compare", "Unlearning methods side by side: a grid each, settings chosen on "
                                            "validation, reported on test (configs/compare.toml)");
  cmd->add_option("--config", o->config, "compare TOML file (see configs/compare.toml)")->required();
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_compare(*o); });
}

}  // namespace lethe::cli
