#include "eval/relearning_sweep.h"

#include <fmt/core.h>

#include <algorithm>

#include "dist/round_robin.h"
#include "train/schedule.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

std::string joined_passages(const std::vector<Passage>& passages, size_t count) {
  std::string text;
  for (size_t i = 0; i < std::min(count, passages.size()); ++i) text += passages[i].text + "\n";
  return text;
}

// The highest exact match at each step over the runs on `text`, and the single highest.
nlohmann::json worst_case(const RelearningSweep& sweep, const std::string& text) {
  std::vector<double> curve(sweep.at_steps.size(), 0.0);
  nlohmann::json worst = {{"exact_match", -1.0}};
  for (const auto& run : sweep.runs) {
    if (run.text != text) continue;
    for (size_t s = 0; s < run.exact_match.size(); ++s) {
      curve[s] = std::max(curve[s], run.exact_match[s]);
      if (run.exact_match[s] > worst["exact_match"].get<double>())
        worst = {{"exact_match", run.exact_match[s]}, {"lr", run.lr}, {"passages", run.passages},
                 {"step", sweep.at_steps[s]}};
    }
  }
  return {{"worst", worst}, {"worst_curve", curve}};
}

}  // namespace

RelearningSweep relearning_sweep(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                 const std::vector<Passage>& forget_passages, const std::string& benign_text,
                                 const std::vector<QaItem>& questions, const RelearningSweepOptions& o,
                                 const std::function<void(int64_t, int64_t)>& on_run) {
  if (o.lrs_at_7b.empty() || o.slice_passages.empty())
    throw Error("relearning sweep: needs at least one learning rate and one slice size");
  const int64_t largest = *std::max_element(o.slice_passages.begin(), o.slice_passages.end());
  RelearningSweep sweep;
  sweep.at_steps = o.at_steps;
  auto unanswered = questions_unanswered_by(joined_passages(forget_passages, largest), questions);
  if (unanswered.empty()) throw Error("relearning sweep: the largest slice answers every question");
  sweep.questions = static_cast<int64_t>(unanswered.size());
  sweep.exact_match_before = knowledge_qa(model, tok, unanswered, o.attack.qa).exact_match;

  const int64_t parameters = model->config().parameter_count();
  const auto benign_stream = benign_text.empty() ? std::vector<int32_t>() : tok.encode(benign_text, true);
  // Every run's text and rate first; then the runs are the processes' tasks (dist/round_robin.h).
  struct Planned {
    std::string text;
    int64_t passages;
    std::vector<int32_t> stream;
    double lr;
  };
  std::vector<Planned> planned;
  auto plan = [&](const std::string& text, int64_t passages, const std::vector<int32_t>& stream) {
    if (static_cast<int64_t>(stream.size()) <= o.attack.block_length)
      throw Error(fmt::format("relearning sweep: the {} text of {} tokens is shorter than one block of {}", text,
                              stream.size(), o.attack.block_length));
    for (double lr_at_7b : o.lrs_at_7b) planned.push_back({text, passages, stream, train::lr_scaled_from_7b(lr_at_7b, parameters)});
  };
  std::vector<int32_t> largest_slice;
  for (int64_t passages : o.slice_passages) {
    auto stream = tok.encode(joined_passages(forget_passages, passages), true);
    if (passages == largest) largest_slice = stream;
    plan("forget", passages, stream);
  }
  if (!benign_text.empty()) {
    if (benign_stream.size() < largest_slice.size())
      throw Error(fmt::format("relearning sweep: the benign text has {} tokens, fewer than the largest slice's {}",
                              benign_stream.size(), largest_slice.size()));
    plan("benign", largest, std::vector<int32_t>(benign_stream.begin(), benign_stream.begin() + largest_slice.size()));
  }
  const auto total = static_cast<int64_t>(planned.size());
  auto attack = [&](int64_t r) {
    RelearningOptions own = o.attack;
    own.scratch_dir = o.attack.scratch_dir / fmt::format("run-{}", r);
    return nlohmann::json(relearning_curve(model, tok, planned[r].stream, unanswered, planned[r].lr, o.at_steps, own));
  };
  auto curves = dist::round_robin(total, attack, [&](int64_t first, int64_t end) {
    if (on_run) on_run(end - first, total);
  });
  for (int64_t r = 0; r < total; ++r)
    sweep.runs.push_back({planned[r].text, planned[r].passages, static_cast<int64_t>(planned[r].stream.size()),
                          planned[r].lr, curves[r].get<std::vector<double>>()});
  std::error_code ignored;  // another process may have removed it first
  std::filesystem::remove_all(o.attack.scratch_dir, ignored);
  return sweep;
}

nlohmann::json sweep_json(const RelearningSweep& sweep) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : sweep.runs)
    runs.push_back({{"text", r.text}, {"passages", r.passages}, {"tokens", r.tokens}, {"lr", r.lr},
                    {"exact_match", r.exact_match}});
  nlohmann::json out = {{"questions", sweep.questions}, {"exact_match_before", sweep.exact_match_before},
                        {"at_steps", sweep.at_steps}, {"runs", runs}, {"forget", worst_case(sweep, "forget")}};
  if (std::any_of(sweep.runs.begin(), sweep.runs.end(), [](const SweepRun& r) { return r.text == "benign"; }))
    out["benign"] = worst_case(sweep, "benign");
  return out;
}

}  // namespace lethe::eval
