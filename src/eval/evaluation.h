#pragma once
// A whole evaluation: every metric whose suite file exists, for one model at a time, then the
// figures that compare a model with the oracle (privleak, forget quality). Results are JSON, the
// document `lethe eval` writes (schema in docs/suites.md).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/knowledge_qa.h"
#include "eval/relearning.h"
#include "eval/relearning_sweep.h"
#include "eval/suite_metrics.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

struct EvaluationOptions {
  std::filesystem::path suite_dir;
  std::vector<std::pair<std::string, std::filesystem::path>> texts;  // perplexity: name, file
  // The items measured of each suite file: from index `skip` (0: the first), at most `limit` (0: all).
  size_t skip = 0, limit = 0;
  // The sections measured ("forget_qa", "retain_qa", ...); empty: every one whose file exists.
  std::set<std::string> sections;
  QaOptions qa;
  MetricOptions metrics;
  // The relearning attack's slice: the first relearn_passages forget passages; steps 0: no attack.
  int64_t relearn_passages = 20;
  RelearningOptions relearning;
  // The sweep of relearning attacks (relearning_sweep.h), with the same batch, block length, seed
  // and scratch folder as the single attack; benign_text: general text for the benign attack.
  bool relearning_sweep = false;
  RelearningSweepOptions sweep;
  std::filesystem::path benign_text;
  // The harness's tasks (harness/*.jsonl) scored with BOS: its add_bos_token=True.
  bool harness_bos = false;
};

// The lm-evaluation-harness tasks of a suite folder, harness/NAME.jsonl (written by `lethe suite
// import`): their names, sorted.
std::vector<std::string> suite_harness_tasks(const std::filesystem::path& suite_dir);

// The hash of a suite folder's files (*.jsonl and harness/*.jsonl, in name order): what an
// evaluation's record names its suite by.
std::string suite_hash(const std::filesystem::path& suite_dir);

// Makes the progress callback of one metric of one model: label ("base forget_qa") -> callback.
using ProgressFactory = std::function<ProgressCallback(const std::string& label)>;

// Every metric for one model. Each section has its own "seconds".
nlohmann::json evaluate_model(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                              const EvaluationOptions& options, const std::string& name,
                              const ProgressFactory& progress);

// Adds to each non-oracle model's results "privleak" (per membership score) and "forget_quality"
// (KS p-value of truth ratios against the oracle's). No-op when `oracle` is not in results.
void add_oracle_comparisons(nlohmann::json& results, const std::string& oracle);

// Fluency's second half: the perplexity of each model's familiarity completions under `judge` (the
// base model), as "completion_familiarity/perplexity_under_judge".
void add_fluency_perplexity(nlohmann::json& results, model::CausalLM& judge, const tokenizer::Tokenizer& tokenizer);

// One row per headline figure, one column per model, in the order of `names`.
std::string markdown_table(const nlohmann::json& results, const std::vector<std::string>& names);

}  // namespace lethe::eval
