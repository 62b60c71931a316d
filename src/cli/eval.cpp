// lethe eval: models side by side on an evaluation suite. Knowledge QA (forget and retain) and
// perplexity of held-out texts; a JSON document and a Markdown table.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "eval/knowledge_qa.h"
#include "eval/perplexity.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"
#include "util/progress.h"

namespace lethe::cli {
namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::vector<std::string> models;  // name=DIR
  std::string suite_dir;
  std::vector<std::string> texts;   // name=FILE
  std::string out;                  // report.json; the Markdown table goes beside it
  size_t limit = 0;                 // items per QA file (0: all)
  eval::QaOptions qa;
  RuntimeOptions runtime;
};

std::pair<std::string, std::string> split_named(const std::string& spec, const char* what) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw Error(fmt::format("{} \"{}\": expected NAME=PATH", what, spec));
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json run_qa(model::CausalLM& model, const tokenizer::Tokenizer& tok, const fs::path& file,
                      const EvalOptions& o, const std::string& label) {
  auto items = eval::read_qa_suite(file);
  if (o.limit > 0 && items.size() > o.limit) items.resize(o.limit);
  auto start = std::chrono::steady_clock::now();
  util::Progress progress(label, static_cast<int64_t>(items.size()), "q");
  auto report = eval::knowledge_qa(model, tok, items, o.qa, [&](int64_t n) { progress.advance(n); });
  progress.finish();
  nlohmann::json answers = nlohmann::json::array();
  for (const auto& a : report.answers)
    answers.push_back({{"id", a.id}, {"generated", a.generated}, {"exact", a.exact}});
  return {{"exact_match", report.exact_match}, {"rouge_l_recall", report.rouge_recall},
          {"items", report.answers.size()}, {"seconds", seconds_since(start)}, {"answers", answers}};
}

nlohmann::json run_perplexity(model::CausalLM& model, const tokenizer::Tokenizer& tok, const std::string& file,
                              const std::string& label) {
  auto ids = tok.encode(io::read_file(file), /*add_special=*/true);
  eval::PerplexityOptions window;
  window.context = std::min<int64_t>(256, model->config().max_position_embeddings);
  window.stride = window.context / 2;
  auto start = std::chrono::steady_clock::now();
  util::Progress progress(label, static_cast<int64_t>(ids.size()) - 1, "tok");
  auto result = eval::perplexity(model, ids, window, [&](int64_t n) { progress.advance(n); });
  progress.finish();
  return {{"perplexity", result.perplexity()}, {"tokens", result.scored_tokens}, {"seconds", seconds_since(start)}};
}

std::string markdown_table(const nlohmann::json& results, const std::vector<std::string>& names) {
  std::string header = "| metric |", rule = "|---|";
  for (const auto& n : names) {
    header += " " + n + " |";
    rule += "---|";
  }
  std::string out = header + "\n" + rule + "\n";
  auto row = [&](const std::string& label, const std::string& section, const std::string& key, const char* format) {
    if (!results[names.front()].contains(section)) return;
    out += "| " + label + " |";
    for (const auto& n : names) out += " " + fmt::format(fmt::runtime(format), results[n][section][key].get<double>()) + " |";
    out += "\n";
  };
  row("forget QA exact match", "forget_qa", "exact_match", "{:.3f}");
  row("forget QA ROUGE-L recall", "forget_qa", "rouge_l_recall", "{:.3f}");
  row("retain QA exact match", "retain_qa", "exact_match", "{:.3f}");
  row("retain QA ROUGE-L recall", "retain_qa", "rouge_l_recall", "{:.3f}");
  for (const auto& [text, value] : results[names.front()]["perplexity"].items()) {
    out += "| perplexity: " + text + " |";
    for (const auto& n : names) out += fmt::format(" {:.2f} |", results[n]["perplexity"][text]["perplexity"].get<double>());
    out += "\n";
  }
  return out;
}

void run_eval(EvalOptions o) {
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  std::vector<std::string> names;
  nlohmann::json results = nlohmann::json::object();
  for (const auto& spec : o.models) {
    auto [name, dir] = split_named(spec, "--models");
    names.push_back(name);
    fmt::print(stderr, "== {} ({})\n", name, dir);
    auto tok = tokenizer::load_tokenizer(dir);
    auto model = model::load_causal_lm(dir, device, o.runtime.resolve_dtype(device));
    nlohmann::json r = {{"model", dir}, {"perplexity", nlohmann::json::object()}};
    for (const char* qa : {"forget_qa", "retain_qa"}) {
      fs::path file = fs::path(o.suite_dir) / (std::string(qa) + ".jsonl");
      if (fs::exists(file)) r[qa] = run_qa(model, *tok, file, o, name + " " + qa);
    }
    for (const auto& text : o.texts) {
      auto [label, file] = split_named(text, "--text");
      r["perplexity"][label] = run_perplexity(model, *tok, file, name + " ppl " + label);
    }
    results[name] = r;
  }
  std::string table = markdown_table(results, names);
  fmt::print("{}", table);
  if (!o.out.empty()) {
    io::write_json_atomic(o.out, {{"suite", o.suite_dir}, {"results", results}});
    io::write_file_atomic(fs::path(o.out).replace_extension(".md"), table);
    fmt::print("report written to {}\n", o.out);
  }
}

}  // namespace

void register_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  auto* cmd = app.add_subcommand("eval", "Evaluate models side by side on a suite (knowledge QA, perplexity)");
  cmd->add_option("--models", o->models, "NAME=MODEL_DIR, comma-separated or repeated")->required()->delimiter(',');
  cmd->add_option("--suite", o->suite_dir, "suite directory (forget_qa.jsonl, retain_qa.jsonl, ...)")->required();
  cmd->add_option("--text", o->texts, "NAME=FILE: held-out text for perplexity (repeatable)");
  cmd->add_option("--out", o->out, "report JSON path (a Markdown table is written beside it)");
  cmd->add_option("--limit", o->limit, "questions per QA file (0: all)")->capture_default_str();
  cmd->add_option("--batch-size", o->qa.batch_size, "questions per generation batch")->capture_default_str();
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_eval(*o); });
}

}  // namespace lethe::cli
