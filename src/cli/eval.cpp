// lethe eval: models side by side on an evaluation suite. Every metric whose suite file exists
// (src/eval/evaluation.h), the figures against the oracle, then one JSON document, a Markdown
// table and a self-contained HTML report.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "cli/commands.h"
#include "cli/metric_progress.h"
#include "cli/number_checks.h"
#include "cli/runtime.h"
#include "dist/world.h"
#include "eval/evaluation.h"
#include "eval/html_report.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::vector<std::string> models;  // name=DIR
  std::vector<std::string> texts;   // name=FILE
  std::string out;                  // report.json; report.md and report.html go beside it
  std::string oracle = "oracle";
  std::string metrics_log;          // a fine-tune's metrics.jsonl, plotted in the HTML report
  eval::EvaluationOptions evaluation;
  RuntimeOptions runtime;
};

std::pair<std::string, std::string> split_named(const std::string& spec, const char* what) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw Error(fmt::format("{} \"{}\": expected NAME=PATH", what, spec));
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

void run_eval(EvalOptions o) {
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  if (!fs::is_directory(o.evaluation.suite_dir))
    throw Error(fmt::format("--suite {}: not a directory", o.evaluation.suite_dir.string()));
  for (const auto& text : o.texts) o.evaluation.texts.push_back(split_named(text, "--text"));
  if (!o.out.empty()) io::prepare_output_file(o.out);
  if (!o.evaluation.benign_text.empty() && !o.evaluation.relearning_sweep)
    throw Error("--relearn-benign needs --relearn-sweep");
  if (!o.evaluation.benign_text.empty()) io::read_file(o.evaluation.benign_text);  // readable, before the work
  const auto& steps = o.evaluation.sweep.at_steps;
  if (!std::is_sorted(steps.begin(), steps.end()) || std::adjacent_find(steps.begin(), steps.end()) != steps.end())
    throw Error("--sweep-steps: give the steps in ascending order, each once");
  // Every model named, and its config and tokenizer readable, before the first one is evaluated.
  std::vector<std::pair<std::string, std::string>> specs;
  for (const auto& spec : o.models) {
    specs.push_back(split_named(spec, "--models"));
    for (size_t i = 0; i + 1 < specs.size(); ++i)
      if (specs[i].first == specs.back().first)
        throw Error(fmt::format("--models: the name \"{}\" is used twice", specs.back().first));
    model::read_model_config(specs.back().second);
    tokenizer::load_tokenizer(specs.back().second);
  }
  std::vector<std::string> names;
  nlohmann::json results = nlohmann::json::object();
  nlohmann::json models = nlohmann::json::object();
  MetricProgress bars;
  auto progress = bars.factory();
  // The first model (the base) judges every model's completions: kept, not loaded again.
  model::CausalLM judge = nullptr;
  std::unique_ptr<tokenizer::Tokenizer> judge_tokenizer;
  // Every process evaluates every model, each taking its share of every metric's batches and of the
  // relearning sweep's runs (dist/round_robin.h); the main one prints and writes the report.
  const bool main = dist::World::get().is_main();
  for (const auto& [name, dir] : specs) {
    names.push_back(name);
    if (main) fmt::print(stderr, "== {} ({})\n", name, dir);
    auto start = std::chrono::steady_clock::now();
    auto tok = tokenizer::load_tokenizer(dir);
    auto model = model::load_causal_lm(dir, device, o.runtime.resolve_dtype(device));
    results[name] = eval::evaluate_model(model, *tok, o.evaluation, name, progress);
    bars.finish();
    results[name]["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (main) models[name] = {{"dir", dir}, {"hash", util::hash_model_dir(dir)}};
    if (!judge) {
      judge = model;
      judge_tokenizer = std::move(tok);
    }
  }
  if (judge) eval::add_fluency_perplexity(results, judge, *judge_tokenizer);
  if (!main) return;
  eval::add_oracle_comparisons(results, o.oracle);
  nlohmann::json texts = nlohmann::json::object();
  for (const auto& [label, file] : o.evaluation.texts) texts[label] = {{"file", file}, {"hash", util::hash_files({file})}};
  nlohmann::json document = {
      {"suite", o.evaluation.suite_dir},
      {"suite_hash", eval::suite_hash(o.evaluation.suite_dir)},
      {"models", models},
      {"texts", texts},
      {"config", {{"skip", o.evaluation.skip}, {"limit", o.evaluation.limit}, {"oracle", o.oracle}, {"batch_size", o.evaluation.metrics.batch_size},
                  {"relearn_steps", o.evaluation.relearning.steps}, {"relearn_passages", o.evaluation.relearn_passages},
                  {"relearn_lr", o.evaluation.relearning.lr}, {"relearn_sweep", o.evaluation.relearning_sweep},
                  {"relearn_benign", o.evaluation.benign_text},
                  {"sweep_lrs_at_7b", o.evaluation.sweep.lrs_at_7b}, {"sweep_passages", o.evaluation.sweep.slice_passages},
                  {"sweep_steps", o.evaluation.sweep.at_steps}, {"harness_bos", o.evaluation.harness_bos},
                  {"completion_tokens", o.evaluation.metrics.completion_tokens},
                  {"verbatim_prefix", o.evaluation.metrics.verbatim_prefix},
                  {"verbatim_length", o.evaluation.metrics.verbatim_length},
                  {"min_k_fraction", o.evaluation.metrics.min_k_fraction}}},
      {"results", results}};
  std::string table = eval::markdown_table(results, names);
  fmt::print("{}", table);
  if (o.out.empty()) return;
  std::vector<eval::TrainingCurve> curves;
  if (!o.metrics_log.empty()) curves = eval::read_training_curves(o.metrics_log);
  io::write_json_atomic(o.out, document);
  io::write_file_atomic(fs::path(o.out).replace_extension(".md"), table);
  io::write_file_atomic(fs::path(o.out).replace_extension(".html"), eval::html_report(document, names, curves));
  fmt::print("report written to {} (and .md, .html beside it)\n", o.out);
}

}  // namespace

void register_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  auto& e = o->evaluation;
  auto* cmd = app.add_subcommand("eval", "Evaluate models side by side on a suite: forgetting, utility, robustness");
  cmd->add_option("--models", o->models, "NAME=MODEL_DIR, comma-separated or repeated")->required()->delimiter(',');
  cmd->add_option("--suite", e.suite_dir, "suite directory (forget_qa.jsonl, ...: docs/suites.md)")->required();
  cmd->add_option("--text", o->texts, "NAME=FILE: held-out text for perplexity (repeatable)");
  cmd->add_option("--out", o->out, "report JSON path (report.md and report.html are written beside it)");
  cmd->add_option("--oracle", o->oracle, "the model compared against for privleak and forget quality")
      ->capture_default_str();
  cmd->add_option("--metrics-log", o->metrics_log, "a fine-tune's metrics.jsonl: its eval figures are plotted");
  using util::at_least;
  cmd->add_option("--limit", e.limit, "items per suite file (0: all)")->check(follows(at_least(0)))
      ->capture_default_str();
  cmd->add_option("--skip", e.skip, "leave out the first N items of each suite file (lethe compare's validation part)")
      ->check(follows(at_least(0)))->capture_default_str();
  cmd->add_option("--batch-size", e.metrics.batch_size, "sequences per forward pass or generation batch")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--completion-tokens", e.metrics.completion_tokens, "greedy tokens per familiarity prompt")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--verbatim-prefix", e.metrics.verbatim_prefix, "passage tokens given as the prompt")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--verbatim-length", e.metrics.verbatim_length, "passage tokens compared after the prompt")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--relearn-steps", e.relearning.steps, "relearning attack: fine-tune steps (0: no attack)")
      ->check(follows(at_least(0)))->capture_default_str();
  cmd->add_option("--relearn-passages", e.relearn_passages, "relearning attack: forget passages in the slice")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--relearn-lr", e.relearning.lr, "relearning attack: learning rate")
      ->check(follows(util::above(0)))->capture_default_str();
  cmd->add_flag("--relearn-sweep", e.relearning_sweep,
                "also the sweep of relearning attacks: 4 rates (1e-5 to 1e-3 at 7B, scaled), slices of 20 and 80 "
                "passages, forget QA after 10, 25, 50, 100 steps (a few minutes per model on 2 cores)");
  cmd->add_option("--sweep-lrs", e.sweep.lrs_at_7b, "with --relearn-sweep: the attacker's learning rates, at 7B")
      ->delimiter(',')->check(follows(util::above(0)))->capture_default_str();
  cmd->add_option("--sweep-passages", e.sweep.slice_passages, "with --relearn-sweep: the slices' sizes in passages")
      ->delimiter(',')->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--sweep-steps", e.sweep.at_steps, "with --relearn-sweep: the steps after which forget QA is asked")
      ->delimiter(',')->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--relearn-benign", e.benign_text,
                  "with --relearn-sweep: general text for the benign attack (the same fine-tunes on it)");
  cmd->add_flag("--harness-bos", e.harness_bos,
                "score the lm-evaluation-harness tasks (harness/*.jsonl) with BOS, as the harness's "
                "add_bos_token=True does; its default, and lethe's, is without");
  cmd->add_option("--min-k", e.metrics.min_k_fraction, "fraction of tokens for Min-K% and Min-K%++")
      ->check(follows(util::fraction()))->capture_default_str();
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] {
    o->evaluation.qa.batch_size = o->evaluation.metrics.batch_size;
    o->evaluation.relearning.scratch_dir = fs::temp_directory_path() / fmt::format("lethe-relearn-{}", ::getpid());
    run_eval(*o);
  });
}

}  // namespace lethe::cli
