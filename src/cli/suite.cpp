// lethe suite import: an lm-evaluation-harness task's documents (its Hugging Face dataset's rows as
// JSON Lines) written as a multiple-choice file of a suite, harness/TASK.jsonl, which `lethe eval`
// scores as the harness does (eval/harness_tasks.h, docs/suites.md).
#include <fmt/core.h>
#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "eval/harness_tasks.h"
#include "io/file.h"

namespace lethe::cli {
namespace {

namespace fs = std::filesystem;

struct SuiteImportOptions {
  std::string task;
  fs::path documents;
  fs::path suite_dir;
};

void run_suite_import(const SuiteImportOptions& o) {
  auto items = eval::import_harness_task(o.task, o.documents);
  fs::path out = o.suite_dir / "harness" / (o.task + ".jsonl");
  fs::create_directories(out.parent_path());
  io::write_file_atomic(out, eval::multiple_choice_jsonl(items));
  fmt::print("{} {} items written to {}\n", items.size(), o.task, out.string());
}

}  // namespace

void register_suite(CLI::App& app) {
  auto* suite = app.add_subcommand("suite", "Evaluation suite tools (import)");
  suite->require_subcommand(1);
  auto o = std::make_shared<SuiteImportOptions>();
  auto* cmd = suite->add_subcommand(
      "import", "Import an lm-evaluation-harness task's documents as a multiple-choice file that lethe eval "
                "scores as the harness does (acc, acc_norm, acc_bytes)");
  cmd->add_option("task", o->task, fmt::format("the harness task: {}", fmt::join(eval::harness_task_names(), ", ")))
      ->required()
      ->check(CLI::IsMember(eval::harness_task_names()));
  cmd->add_option("documents", o->documents,
                  "the task's dataset split as JSON Lines, one row per line (docs/suites.md says which)")
      ->required();
  cmd->add_option("--suite", o->suite_dir, "suite directory; the items go to SUITE/harness/TASK.jsonl")->required();
  cmd->callback([o] { run_suite_import(*o); });
}

}  // namespace lethe::cli
