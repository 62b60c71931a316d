#pragma once
// lethe compare's TOML file: the methods to compare, each a pipeline file (lethe unlearn's) and a
// small grid of settings merged over it, the shared budget, the suite and its split, the selection
// rule. Torch-free, so that it is tested on its own.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "unlearn/pipeline_config.h"

namespace lethe::compare {

// One point of a method's grid: keys of the pipeline file, merged over it.
struct GridSetting {
  std::string label;      // "finetune.lr=1e-05, npo.beta=0.05"; "defaults" when it sets nothing
  toml::table overrides;  // as in the pipeline file: {finetune = {lr = 1e-5}}
  std::string source;     // "compare.toml:12": where the setting is written
};

struct ComparedMethod {
  std::string name;                  // the report's label, also the runs' folder names
  std::filesystem::path config;      // its pipeline TOML file
  std::vector<GridSetting> grid;     // 1 to 4 settings
};

struct CompareConfig {
  std::filesystem::path file, out, suite, oracle, general_text;
  // The budget: every run's unlearning fine-tune reads the forget text this many times ([finetune]
  // epochs of each pipeline, which a grid may not set).
  double budget_epochs = 2.0;
  // The suite's split: the first validation_items of each file choose the settings; the rest,
  // at most test_items (0: all of it), measure them.
  size_t validation_items = 100, test_items = 0;
  // The selection rule: retain QA at most retain_qa_drop below base's, general perplexity at most
  // perplexity_rise above base's (fractions).
  double retain_qa_drop = 0.05, perplexity_rise = 0.05;
  // The evaluation's settings: its batch, and the relearning attack on each chosen setting.
  int64_t batch_size = 16, relearn_steps = 20, relearn_passages = 20;
  double relearn_lr = 1e-4;
  std::vector<ComparedMethod> methods;
};

// Throws lethe::Error naming the file and line: TOML syntax, a wrong type, an unknown key, a
// missing method file, a grid of more than four settings or one that sets the budget, a name
// used twice.
CompareConfig read_compare_config(const std::filesystem::path& path);

// The pipeline of one run: the method's file, the setting merged over it, the budget, and out =
// run_dir. Errors name the method's file, or compare's for a setting's key.
unlearn::PipelineConfig run_pipeline_config(const ComparedMethod& method, const GridSetting& setting,
                                            double budget_epochs, const std::filesystem::path& run_dir);

}  // namespace lethe::compare
