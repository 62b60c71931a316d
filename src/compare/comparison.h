#pragma once
// lethe compare: every method of a compare file at every setting of its grid, each run a pipeline
// in its own folder (out/runs/NAME-K, kept when done), then the choice of each method's setting on
// the suite's validation part (setting_selection.h) and the measurement of every setting on its test
// part: base, the chosen settings and the oracle with every metric and the relearning attack, the
// other settings with forget QA, retain QA and general perplexity. Every evaluation is kept in
// out/evals by the hash of its model and settings, so a second run (or a resumed one) redoes
// nothing. Writes out/report.json, report.md and report.html (compare_report.h).
#include <torch/torch.h>

#include "compare/compare_config.h"
#include "eval/evaluation.h"

namespace lethe::compare {

enum class ComparisonStatus { finished, interrupted };

ComparisonStatus run_comparison(const CompareConfig& config, torch::Device device,
                                const eval::ProgressFactory& progress);

}  // namespace lethe::compare
