#include "compare/comparison.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "compare/compare_report.h"
#include "compare/setting_selection.h"
#include "eval/training_probe.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "train/trainer.h"
#include "unlearn/pipeline.h"
#include "util/content_hash.h"
#include "util/error.h"
#include "util/progress.h"

namespace lethe::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kGeneral = "general";  // the perplexity text's label in the results

struct Run {
  const ComparedMethod* method;
  size_t setting;  // index into method->grid
  unlearn::PipelineConfig pipeline;
  static std::string name_of(const ComparedMethod& method, size_t setting) {
    return fmt::format("{}-{}", method.name, setting + 1);
  }
  std::string name() const { return name_of(*method, setting); }
};

SettingFigures figures(const json& results) {
  return {results.at("forget_qa").at("exact_match").get<double>(), results.at("retain_qa").at("exact_match").get<double>(),
          results.at("perplexity").at(kGeneral).at("perplexity").get<double>()};
}

json figures_json(const SettingFigures& f) {
  return {{"forget_qa", f.forget_qa}, {"retain_qa", f.retain_qa}, {"perplexity", f.perplexity}};
}

class Comparison {
 public:
  Comparison(const CompareConfig& c, torch::Device device, const eval::ProgressFactory& progress)
      : c_(c), device_(device), progress_(progress) {
    for (const auto& p : {c.suite, c.oracle})
      if (!fs::is_directory(p)) throw Error(fmt::format("{}: {} is not a directory", c.file.string(), p.string()));
    for (const char* file : {"forget_qa.jsonl", "retain_qa.jsonl"})  // what the selection reads
      if (!fs::exists(c.suite / file))
        throw Error(fmt::format("{}: the suite {} has no {}", c.file.string(), c.suite.string(), file));
    for (const auto& method : c.methods)
      for (size_t s = 0; s < method.grid.size(); ++s) {
        const fs::path dir = c.out / "runs" / Run::name_of(method, s);
        runs_.push_back(Run{&method, s, run_pipeline_config(method, method.grid[s], c.budget_epochs, dir)});
        runs_.back().pipeline.shared_stages = c.out / "shared";
      }
    // One model and one forget text for every method, or the comparison compares nothing.
    auto canonical = [](std::vector<fs::path> paths) {
      for (auto& p : paths) p = fs::weakly_canonical(p);
      return paths;
    };
    const auto& first = runs_.front().pipeline;
    for (const auto& run : runs_) {
      if (canonical({run.pipeline.base}) != canonical({first.base}) ||
          canonical(run.pipeline.forget) != canonical(first.forget))
        throw Error(fmt::format("{}: method {} unlearns from another base or forget text than method {}",
                                c.file.string(), run.method->name, runs_.front().method->name));
    }
    model::read_model_config(c.oracle);
    io::read_file(c.general_text);  // readable before the work
    suite_hash_ = eval::suite_hash(c.suite);
    text_hash_ = util::hash_files({c.general_text});
    total_steps_ = static_cast<int>(3 * runs_.size() + 3);  // train, validate, test each; base twice, oracle once
  }

  ComparisonStatus run() {
    auto start = std::chrono::steady_clock::now();
    fs::create_directories(c_.out / "evals");
    json methods = json::array(), results = json::object();
    std::vector<const Run*> chosen;  // per method
    if (!unlearn_every_run() || !choose_settings(methods, chosen) || !measure_on_test(methods, chosen, results))
      return ComparisonStatus::interrupted;
    {
      auto tok = tokenizer::load_tokenizer(base());
      auto judge = model::load_causal_lm(base(), device_, torch::kFloat);
      eval::add_fluency_perplexity(results, judge, *tok);
    }
    eval::add_oracle_comparisons(results, "oracle");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_compare_report(c_.out / "report.json", report(methods, results, seconds));
    return ComparisonStatus::finished;
  }

 private:
  const fs::path& base() const { return runs_.front().pipeline.base; }

  // Every run's pipeline, each stage kept when done. False: interrupted.
  bool unlearn_every_run() {
    for (const auto& run : runs_) {
      announce(fmt::format("unlearning {} ({})", run.name(), setting_of(run).label));
      if (unlearn::run_pipeline(run.pipeline, device_, eval::make_training_probe) == unlearn::PipelineStatus::interrupted)
        return false;
    }
    return true;
  }

  // Base and every run on the validation part, then each method's setting: `methods` gets an
  // entry per method (its choice, and each setting's validation figures), `chosen` its run.
  bool choose_settings(json& methods, std::vector<const Run*>& chosen) {
    announce("base on the validation part");
    const SettingFigures base_validation = figures(evaluate("base", base(), validation(), "base-validation"));
    std::vector<SettingFigures> figures_of_run;
    for (const auto& run : runs_) {
      if (train::interrupt_requested()) return false;
      announce(fmt::format("{} on the validation part", run.name()));
      figures_of_run.push_back(figures(evaluate(run.name(), run.pipeline.result_dir(), validation(), run.name() + "-validation")));
    }
    const SelectionRule rule{c_.retain_qa_drop, c_.perplexity_rise};
    for (size_t first = 0; first < runs_.size(); first += runs_[first].method->grid.size()) {
      const ComparedMethod& method = *runs_[first].method;
      const std::vector<SettingFigures> settings(figures_of_run.begin() + first,
                                                 figures_of_run.begin() + first + method.grid.size());
      const Selection selection = select_setting(settings, base_validation, rule);
      chosen.push_back(&runs_[first + selection.chosen]);
      json entry = {{"name", method.name}, {"config", method.config}, {"chosen", selection.chosen},
                    {"qualified", selection.qualified}, {"reason", selection.reason}, {"settings", json::array()}};
      for (size_t s = 0; s < settings.size(); ++s)
        entry["settings"].push_back({{"label", method.grid[s].label}, {"run", runs_[first + s].name()},
                                     {"dir", runs_[first + s].pipeline.result_dir()},
                                     {"keeps_utility", selection.keeps_utility[s]},
                                     {"validation", figures_json(settings[s])}});
      methods.push_back(entry);
    }
    return true;
  }

  // The test part, everything reported: base, each chosen setting (under its method's name) and
  // the oracle with every metric into `results`; the other settings' three figures into `methods`.
  bool measure_on_test(json& methods, const std::vector<const Run*>& chosen, json& results) {
    auto full = [&](const std::string& label, const fs::path& dir) {
      if (train::interrupt_requested()) return false;
      announce(fmt::format("{} on the test part, every metric and the relearning attack", label));
      results[label] = evaluate(label, dir, test(true), label + "-test");
      return true;
    };
    if (!full("base", base())) return false;
    for (size_t m = 0; m < chosen.size(); ++m)
      if (!full(c_.methods[m].name, chosen[m]->pipeline.result_dir())) return false;
    if (!full("oracle", c_.oracle)) return false;
    for (size_t m = 0, r = 0; m < methods.size(); ++m) {
      for (auto& setting : methods[m]["settings"]) {
        const Run& run = runs_[r++];
        if (&run == chosen[m]) {
          setting["test"] = figures_json(figures(results[c_.methods[m].name]));
          continue;
        }
        if (train::interrupt_requested()) return false;
        announce(fmt::format("{} on the test part", run.name()));
        setting["test"] = figures_json(figures(evaluate(run.name(), run.pipeline.result_dir(), test(false), run.name() + "-test")));
      }
    }
    return true;
  }

  const GridSetting& setting_of(const Run& run) const { return run.method->grid[run.setting]; }

  // One line per step of the whole comparison, with the time so far and an estimate of the rest.
  void announce(const std::string& what) {
    using clock = std::chrono::steady_clock;
    if (step_ == 0) started_ = clock::now();
    double elapsed = std::chrono::duration<double>(clock::now() - started_).count();
    std::string eta = step_ > 0 ? ", about " + util::human_duration(elapsed / step_ * (total_steps_ - step_)) + " left" : "";
    ++step_;
    fmt::print(stderr, "compare [{}/{}, {} elapsed{}]: {}\n", step_, total_steps_, util::human_duration(elapsed), eta, what);
  }

  eval::EvaluationOptions common() const {
    eval::EvaluationOptions o;
    o.suite_dir = c_.suite;
    o.texts = {{kGeneral, c_.general_text}};
    o.metrics.batch_size = c_.batch_size;
    o.qa.batch_size = c_.batch_size;
    o.relearning.steps = 0;
    return o;
  }
  // Forget and retain QA and general perplexity on the first validation_items of each file.
  eval::EvaluationOptions validation() const {
    auto o = common();
    o.limit = c_.validation_items;
    o.sections = {"forget_qa", "retain_qa"};
    return o;
  }
  // The rest of each file: every metric with the relearning attack, or the three figures.
  eval::EvaluationOptions test(bool every_metric) const {
    auto o = common();
    o.skip = c_.validation_items;
    o.limit = c_.test_items;
    if (!every_metric) {
      o.sections = {"forget_qa", "retain_qa"};
      return o;
    }
    o.relearning.steps = c_.relearn_steps;
    o.relearning.lr = c_.relearn_lr;
    o.relearn_passages = c_.relearn_passages;
    o.relearning.scratch_dir = c_.out / "relearn-scratch";
    return o;
  }

  // The model's results, from out/evals/NAME.json when its model and settings are the same.
  json evaluate(const std::string& label, const fs::path& dir, const eval::EvaluationOptions& o, const std::string& file) {
    json key = {{"model", util::hash_model_dir(dir)}, {"suite", suite_hash_}, {"text", text_hash_},
                {"skip", o.skip}, {"limit", o.limit}, {"sections", o.sections}, {"batch_size", o.metrics.batch_size},
                {"relearn", {o.relearning.steps, o.relearning.lr, o.relearn_passages}}};
    const fs::path cache = c_.out / "evals" / (file + ".json");
    if (fs::exists(cache)) {
      json kept = io::read_json(cache);
      if (kept.value("key", json()) == key) {
        fmt::print(stderr, "  {}: kept from before ({})\n", label, cache.string());
        return kept["results"];
      }
    }
    auto tok = tokenizer::load_tokenizer(dir);
    auto model = model::load_causal_lm(dir, device_, torch::kFloat);
    json results = eval::evaluate_model(model, *tok, o, label, progress_);
    io::write_json_atomic(cache, {{"key", key}, {"results", results}});
    return results;
  }

  json report(const json& methods, const json& results, double seconds) const {
    // The budget: the forget text's tokens, read budget_epochs times by every unlearning fine-tune,
    // and reinforce epochs times by the methods that reinforce first.
    const auto& first = runs_.front().pipeline;
    auto tok = tokenizer::load_tokenizer(first.base);
    std::vector<std::string> files(first.forget.begin(), first.forget.end());
    const auto forget_tokens = static_cast<int64_t>(train::token_stream(*tok, files).size());
    json budget = {{"forget_tokens", forget_tokens}, {"epochs", c_.budget_epochs}, {"methods", json::object()}};
    for (const auto& method : methods) {
      const Run& run = *std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) { return r.method->name == method["name"]; });
      const auto family = unlearn::method_family(run.pipeline.method);
      const double reinforce = family == unlearn::MethodFamily::forget_loss ? 0.0 : run.pipeline.reinforce_epochs;
      const bool trains = family == unlearn::MethodFamily::generic_labels || family == unlearn::MethodFamily::forget_loss;
      const double finetune = trains ? c_.budget_epochs : 0.0;
      budget["methods"][method["name"].get<std::string>()] = {
          {"method", run.pipeline.method}, {"finetune_forget_tokens", std::llround(finetune * forget_tokens)},
          {"reinforce_forget_tokens", std::llround(reinforce * forget_tokens)}};
    }
    return {{"config", c_.file}, {"suite", c_.suite}, {"suite_hash", suite_hash_},
            {"split", {{"validation_items", c_.validation_items}, {"test_items", c_.test_items}}},
            {"rule", {{"retain_qa_drop", c_.retain_qa_drop}, {"perplexity_rise", c_.perplexity_rise}}},
            {"budget", budget}, {"relearning", {{"steps", c_.relearn_steps}, {"passages", c_.relearn_passages},
                                                {"lr", c_.relearn_lr}}},
            {"methods", methods}, {"results", results}, {"seconds", seconds}};
  }

  const CompareConfig& c_;
  torch::Device device_;
  const eval::ProgressFactory& progress_;
  std::vector<Run> runs_;
  std::string suite_hash_, text_hash_;
  int step_ = 0, total_steps_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

ComparisonStatus run_comparison(const CompareConfig& config, torch::Device device, const eval::ProgressFactory& progress) {
  return Comparison(config, device, progress).run();
}

}  // namespace lethe::compare
