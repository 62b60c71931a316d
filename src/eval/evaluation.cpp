#include "eval/evaluation.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "eval/fluency.h"
#include "eval/membership.h"
#include "eval/mean.h"
#include "eval/perplexity.h"
#include "eval/roc.h"
#include "eval/token_scores.h"
#include "eval/truth_ratio.h"
#include "io/file.h"
#include "util/content_hash.h"

namespace lethe::eval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

template <typename T>
std::vector<T> first(std::vector<T> items, size_t count) {
  if (count > 0 && items.size() > count) items.resize(count);
  return items;
}

// The suite's part that is measured: from item `skip`, at most `limit` items.
template <typename T>
std::vector<T> part(std::vector<T> items, const EvaluationOptions& o) {
  items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(std::min(o.skip, items.size())));
  return first(std::move(items), o.limit);
}

// Runs one metric when its file exists, timing it into the section's "seconds".
class SectionRunner {
 public:
  SectionRunner(json& results, const EvaluationOptions& options, std::string name, const ProgressFactory& progress)
      : results_(results), options_(options), name_(std::move(name)), progress_(progress) {}

  template <typename Compute>
  void run(const std::string& section, const std::vector<std::string>& files, Compute compute) {
    if (!options_.sections.empty() && !options_.sections.count(section)) return;
    std::vector<fs::path> paths;
    for (const auto& f : files) {
      paths.push_back(options_.suite_dir / f);
      if (!fs::exists(paths.back())) return;
    }
    auto start = std::chrono::steady_clock::now();
    json value = compute(paths, progress_(name_ + " " + section));
    value["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    results_[section] = std::move(value);
  }

 private:
  json& results_;
  const EvaluationOptions& options_;
  std::string name_;
  const ProgressFactory& progress_;
};

json qa_section(model::CausalLM& model, const tokenizer::Tokenizer& tok, const std::vector<QaItem>& items,
                const EvaluationOptions& o, bool rephrased, const ProgressCallback& progress) {
  QaOptions qa = o.qa;
  qa.rephrased = rephrased;
  auto total = static_cast<int64_t>(items.size());
  auto report = knowledge_qa(model, tok, items, qa, [&](int64_t n) { progress(n, total); });
  json answers = json::array();
  for (const auto& a : report.answers) answers.push_back({{"id", a.id}, {"generated", a.generated}, {"exact", a.exact}});
  return {{"exact_match", report.exact_match}, {"rouge_l_recall", report.rouge_recall},
          {"items", report.answers.size()}, {"answers", answers}};
}

json familiarity_section(const CompletionFamiliarity& f, const std::vector<CompletionPrompt>& prompts) {
  json completions = json::array();
  for (size_t i = 0; i < prompts.size(); ++i)
    completions.push_back({{"id", prompts[i].id}, {"completion", f.completions[i]}, {"grade", f.grades[i].grade},
                           {"term", f.grades[i].matched_term}});
  return {{"score", f.score},
          {"explicit", f.explicit_count},
          {"thematic", f.thematic_count},
          {"prompts", prompts.size()},
          {"distinct_2", distinct_n(f.completions, 2)},
          {"completions", completions}};
}

json multiple_choice_section(const MultipleChoiceAccuracy& accuracy) {
  return {{"acc", accuracy.acc}, {"acc_norm", accuracy.acc_norm}, {"acc_bytes", accuracy.acc_bytes}};
}

json membership_section(const MembershipScores& forget, const MembershipScores& holdout) {
  json auc, scores;
  auto add = [&](const char* name, const std::vector<double>& positives, const std::vector<double>& negatives) {
    auc[name] = roc_auc(positives, negatives);
    scores[name] = {{"forget", positives}, {"holdout", negatives}};
  };
  add("loss", forget.neg_loss, holdout.neg_loss);
  add("zlib", forget.neg_zlib, holdout.neg_zlib);
  add("min_k", forget.min_k, holdout.min_k);
  add("min_k_plus_plus", forget.min_k_plus_plus, holdout.min_k_plus_plus);
  return {{"auc", auc}, {"scores", scores}};
}

}  // namespace

std::vector<std::string> suite_harness_tasks(const fs::path& suite_dir) {
  std::vector<std::string> tasks;
  if (!fs::is_directory(suite_dir / "harness")) return tasks;
  for (const auto& entry : fs::directory_iterator(suite_dir / "harness"))
    if (entry.is_regular_file() && entry.path().extension() == ".jsonl") tasks.push_back(entry.path().stem().string());
  std::sort(tasks.begin(), tasks.end());
  return tasks;
}

std::string suite_hash(const fs::path& suite_dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(suite_dir))
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  for (const auto& task : suite_harness_tasks(suite_dir)) files.push_back(suite_dir / "harness" / (task + ".jsonl"));
  std::sort(files.begin(), files.end());
  return util::hash_files(files);
}

json evaluate_model(model::CausalLM& model, const tokenizer::Tokenizer& tok, const EvaluationOptions& o,
                    const std::string& name, const ProgressFactory& progress) {
  json r = json::object();
  SectionRunner section(r, o, name, progress);
  const auto& m = o.metrics;
  for (std::string set : {"forget", "retain"}) {
    section.run(set + "_qa", {set + "_qa.jsonl"}, [&](const auto& paths, const ProgressCallback& p) {
      auto items = part(read_qa_suite(paths[0]), o);
      json out = qa_section(model, tok, items, o, false, p);
      auto likelihoods = answer_likelihoods(model, tok, items, m, p);
      out["answer_mean_log_prob"] = mean_or_zero(likelihoods.answer_mean_log_probs);
      if (!likelihoods.truth_ratios.empty()) {
        out["truth_ratio_mean"] = mean_or_zero(likelihoods.truth_ratios);
        out["truth_ratios"] = likelihoods.truth_ratios;
      }
      return out;
    });
    section.run(set + "_mc", {set + "_mc.jsonl"}, [&](const auto& paths, const ProgressCallback& p) {
      return multiple_choice_section(multiple_choice(model, tok, part(read_multiple_choice(paths[0]), o),
                                                     /*add_bos=*/true, m, p));
    });
  }
  std::vector<std::string> tasks = suite_harness_tasks(o.suite_dir);
  if (!tasks.empty() && (o.sections.empty() || o.sections.count("harness"))) {
    EvaluationOptions every_task = o;  // the tasks are the harness section's parts
    every_task.sections.clear();
    SectionRunner harness(r["harness"], every_task, name, progress);
    for (const auto& task : tasks) {
      harness.run(task, {"harness/" + task + ".jsonl"}, [&](const auto& paths, const ProgressCallback& p) {
        auto items = part(read_multiple_choice(paths[0]), o);
        json out = multiple_choice_section(multiple_choice(model, tok, items, o.harness_bos, m, p));
        out["items"] = items.size();
        return out;
      });
    }
  }
  section.run("forget_qa_rephrased", {"forget_qa.jsonl"}, [&](const auto& paths, const ProgressCallback& p) {
    return qa_section(model, tok, part(read_qa_suite(paths[0]), o), o, true, p);
  });
  for (std::string prefix : {"", "retain_"}) {
    section.run(prefix + "completion_familiarity", {prefix + "completion_familiarity.jsonl"},
                [&](const auto& paths, const ProgressCallback& p) {
                  auto prompts = part(read_completion_prompts(paths[0]), o);
                  return familiarity_section(completion_familiarity(model, tok, prompts, m, p), prompts);
                });
  }
  section.run("probability_familiarity", {"probability_familiarity.jsonl"},
              [&](const auto& paths, const ProgressCallback& p) {
                auto prompts = part(read_probability_prompts(paths[0]), o);
                return json{{"mass", probability_familiarity(model, tok, prompts, m, p)}, {"prompts", prompts.size()}};
              });
  section.run("verbatim", {"forget_passages.jsonl"}, [&](const auto& paths, const ProgressCallback& p) {
    auto v = verbatim_memorisation(model, tok, part(read_passages(paths[0]), o), m, p);
    return json{{"rouge_l_f1", v.rouge_l_f1}, {"passages", v.passages}};
  });
  section.run("membership", {"forget_passages.jsonl", "holdout_passages.jsonl"},
              [&](const auto& paths, const ProgressCallback& p) {
                auto forget_passages = part(read_passages(paths[0]), o);
                auto holdout_passages = part(read_passages(paths[1]), o);
                // One bar over both sets: each call counts its own passages against the sum.
                const auto total = static_cast<int64_t>(forget_passages.size() + holdout_passages.size());
                auto both = [&](int64_t done, int64_t) { p(done, total); };
                auto forget = membership_scores(model, tok, forget_passages, m, both);
                auto holdout = membership_scores(model, tok, holdout_passages, m, both);
                return membership_section(forget, holdout);
              });
  if (o.relearning.steps > 0) {
    section.run("relearning", {"forget_passages.jsonl", "forget_qa.jsonl"},
                [&](const auto& paths, const ProgressCallback&) {
                  std::string slice;
                  for (const auto& p : first(read_passages(paths[0]), static_cast<size_t>(o.relearn_passages)))
                    slice += p.text + "\n";
                  RelearningOptions attack = o.relearning;
                  attack.qa = o.qa;
                  auto r = relearning_attack(model, tok, slice, part(read_qa_suite(paths[1]), o), attack);
                  return json{{"slice_tokens", r.slice_tokens}, {"steps", attack.steps}, {"lr", attack.lr},
                              {"questions", r.questions}, {"exact_match_before", r.exact_match_before},
                              {"exact_match_after", r.exact_match_after}};
                });
  }
  if (o.relearning_sweep) {
    section.run("relearning_sweep", {"forget_passages.jsonl", "forget_qa.jsonl"},
                [&](const auto& paths, const ProgressCallback& p) {
                  RelearningSweepOptions sweep = o.sweep;
                  sweep.attack = o.relearning;
                  sweep.attack.qa = o.qa;
                  const std::string benign = o.benign_text.empty() ? "" : io::read_file(o.benign_text);
                  return sweep_json(relearning_sweep(model, tok, read_passages(paths[0]), benign,
                                                     part(read_qa_suite(paths[1]), o), sweep, p));
                });
  }
  for (const auto& [label, file] : o.texts) {
    auto start = std::chrono::steady_clock::now();
    auto ids = tok.encode(io::read_file(file), /*add_special=*/true);
    PerplexityOptions window;
    window.context = std::min<int64_t>(256, model->config().max_position_embeddings);
    window.stride = window.context / 2;
    auto p = progress(name + " perplexity " + label);
    auto total = static_cast<int64_t>(ids.size()) - 1;
    auto result = perplexity(model, ids, window, [&](int64_t n) { p(n, total); });
    r["perplexity"][label] = {{"perplexity", result.perplexity()}, {"tokens", result.scored_tokens},
                              {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
  }
  return r;
}

void add_oracle_comparisons(json& results, const std::string& oracle) {
  if (!results.contains(oracle)) return;
  const json& o = results[oracle];
  for (auto& [name, r] : results.items()) {
    if (name == oracle) continue;
    if (r.contains("membership") && o.contains("membership")) {
      for (auto& [score, auc] : r["membership"]["auc"].items()) {
        const double oracle_auc = o["membership"]["auc"][score].get<double>();
        if (oracle_auc > 0) r["privleak"][score] = privleak(auc.get<double>(), oracle_auc);  // else undefined
      }
    }
    if (r.contains("forget_qa") && r["forget_qa"].contains("truth_ratios") && o.contains("forget_qa") &&
        o["forget_qa"].contains("truth_ratios")) {
      r["forget_quality"] = forget_quality(r["forget_qa"]["truth_ratios"].get<std::vector<double>>(),
                                           o["forget_qa"]["truth_ratios"].get<std::vector<double>>());
    }
  }
}

void add_fluency_perplexity(json& results, model::CausalLM& judge, const tokenizer::Tokenizer& tok) {
  for (auto& [name, r] : results.items()) {
    if (!r.contains("completion_familiarity")) continue;
    std::vector<ScoreRequest> requests;
    for (const auto& c : r["completion_familiarity"]["completions"]) {
      auto ids = tok.encode(c["completion"].get<std::string>(), /*add_special=*/true);
      if (ids.size() > 1) requests.push_back({{ids.front()}, {ids.begin() + 1, ids.end()}});
    }
    if (requests.empty()) continue;
    double nll = 0;
    size_t tokens = 0;
    for (const auto& s : score_continuations(judge, requests, {})) {
      for (double lp : s.log_probs) nll -= lp;
      tokens += s.log_probs.size();
    }
    r["completion_familiarity"]["perplexity_under_judge"] = std::exp(nll / static_cast<double>(tokens));
  }
}

std::string markdown_table(const json& results, const std::vector<std::string>& names) {
  std::string out = "| metric |";
  std::string rule = "|---|";
  for (const auto& n : names) {
    out += " " + n + " |";
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  // A row when at least one model has the figure; "-" where one does not.
  auto row = [&](const std::string& label, const json::json_pointer& at, const char* format) {
    bool any = false;
    for (const auto& n : names) any = any || results[n].contains(at);
    if (!any) return;
    out += "| " + label + " |";
    for (const auto& n : names)
      out += " " + (results[n].contains(at) ? fmt::format(fmt::runtime(format), results[n][at].get<double>()) : "-") + " |";
    out += "\n";
  };
  row("completion familiarity (forget)", "/completion_familiarity/score"_json_pointer, "{:.3f}");
  row("completion familiarity (retain)", "/retain_completion_familiarity/score"_json_pointer, "{:.3f}");
  row("probability familiarity", "/probability_familiarity/mass"_json_pointer, "{:.3f}");
  row("forget QA exact match", "/forget_qa/exact_match"_json_pointer, "{:.3f}");
  row("forget QA, rephrased", "/forget_qa_rephrased/exact_match"_json_pointer, "{:.3f}");
  row("forget QA answer log-prob", "/forget_qa/answer_mean_log_prob"_json_pointer, "{:.3f}");
  row("forget MC acc", "/forget_mc/acc"_json_pointer, "{:.3f}");
  row("verbatim ROUGE-L F1", "/verbatim/rouge_l_f1"_json_pointer, "{:.3f}");
  row("MIA AUC (loss)", "/membership/auc/loss"_json_pointer, "{:.3f}");
  row("MIA AUC (Min-K%++)", "/membership/auc/min_k_plus_plus"_json_pointer, "{:.3f}");
  row("privleak (loss), %", "/privleak/loss"_json_pointer, "{:.1f}");
  row("truth ratio (forget, mean)", "/forget_qa/truth_ratio_mean"_json_pointer, "{:.3f}");
  row("forget quality (KS p)", "/forget_quality"_json_pointer, "{:.3g}");
  row("forget QA after relearning", "/relearning/exact_match_after"_json_pointer, "{:.3f}");
  row("forget QA, strongest relearning", "/relearning_sweep/forget/worst/exact_match"_json_pointer, "{:.3f}");
  row("forget QA, benign fine-tune", "/relearning_sweep/benign/worst/exact_match"_json_pointer, "{:.3f}");
  row("retain QA exact match", "/retain_qa/exact_match"_json_pointer, "{:.3f}");
  row("retain MC acc", "/retain_mc/acc"_json_pointer, "{:.3f}");
  const json tasks = results[names.front()].value("harness", json::object());
  for (const auto& task : tasks.items()) {
    for (const char* figure : {"acc", "acc_norm"})
      row(task.key() + " " + figure, "/harness"_json_pointer / task.key() / figure, "{:.3f}");
  }
  row("fluency distinct-2", "/completion_familiarity/distinct_2"_json_pointer, "{:.3f}");
  row("fluency: perplexity under base", "/completion_familiarity/perplexity_under_judge"_json_pointer, "{:.1f}");
  if (results[names.front()].contains("perplexity"))
    for (const auto& [text, value] : results[names.front()]["perplexity"].items())
      row("perplexity: " + text, json::json_pointer("/perplexity/" + text + "/perplexity"), "{:.2f}");
  return out;
}

}  // namespace lethe::eval
