#pragma once
// The relearning attack as a sweep, for the strongest case rather than one setting: attacker
// learning rates (given for 7B, scaled to the model as the pipeline scales its own), slices of two
// sizes of the forget passages, and the curve of forget QA over the attack's steps, on questions
// that no slice answers. The benign attack, the same fine-tune on general text of the same length
// with no facts of the forgotten content, tells what any fine-tune brings back. The oracle's curve
// is the floor: what the slice itself teaches (evaluation.md, robustness; issue 16).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/relearning.h"

namespace lethe::eval {

struct RelearningSweepOptions {
  std::vector<double> lrs_at_7b = {1e-5, 5e-5, 2e-4, 1e-3};  // scaled by train::lr_scaled_from_7b
  std::vector<int64_t> slice_passages = {20, 80};            // the first N forget passages
  std::vector<int64_t> at_steps = {10, 25, 50, 100};         // forget QA measured after these steps
  RelearningOptions attack;  // batch, block length, seed, scratch folder, QA (its steps and lr unused)
};

struct SweepRun {
  std::string text;  // "forget" or "benign"
  int64_t passages = 0;  // of the forget slice (a benign run matches that slice's tokens)
  int64_t tokens = 0;
  double lr = 0.0;  // scaled
  std::vector<double> exact_match;  // after each of at_steps
};

struct RelearningSweep {
  int64_t questions = 0;  // forget questions that no slice answers
  double exact_match_before = 0.0;
  std::vector<int64_t> at_steps;
  std::vector<SweepRun> runs;
};

// Every forget slice at every rate, then the benign text at every rate against the largest slice
// (no benign runs when benign_text is empty). With several processes each run is one process's
// task (dist/round_robin.h). on_run(runs newly done, runs in all) after each round (a ProgressCallback).
// Throws lethe::Error when a slice is shorter than a block, the benign text is shorter than the
// largest slice, or every question is answered by the largest slice.
RelearningSweep relearning_sweep(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                 const std::vector<Passage>& forget_passages, const std::string& benign_text,
                                 const std::vector<QaItem>& questions, const RelearningSweepOptions& options,
                                 const std::function<void(int64_t, int64_t)>& on_run = {});

// The report's section: every run, and the worst case: the highest forget QA of any forget run at
// any step ("worst_exact_match", with its run's lr, passages and step), the curve of the highest
// forget QA at each step over all forget runs ("worst_curve"), and the same for the benign runs.
nlohmann::json sweep_json(const RelearningSweep& sweep);

}  // namespace lethe::eval
