#pragma once
// lethe unlearn --config FILE.toml: the whole method from one TOML file. Each stage writes its
// output into the run directory with a stage.json of the hashes of its inputs; a stage whose
// output exists with the same hashes is skipped, and an interrupted stage resumes from its
// checkpoint. Presets:
//   whp       the paper: reinforce 3 epochs, alpha 5, one translation, hard labels, 2 epochs, no retain data;
//   whp-plus  lethe's: 4 translations averaged, soft top-16 targets, KL to the baseline on retain text
//             (weight 10).
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "unlearn/label_stage.h"

namespace lethe::unlearn {

struct PipelineConfig {
  std::string preset = "whp";
  std::filesystem::path base, dictionary, out;
  std::vector<std::filesystem::path> forget, retain;
  uint64_t seed = 0;
  int64_t block_length = 512;
  int64_t batch_size = 8, accumulation = 16;  // 128 blocks per step, the paper's
  bool paper_rules = true;
  double reinforce_epochs = 3.0, reinforce_lr = 0.0;  // lr 0: scaled from the paper's
  LabelOptions labels;
  double finetune_epochs = 2.0, finetune_lr = 0.0;
  bool soft = false;
  double retain_weight = 0.0;
  std::string save_dtype = "float32";
  // [eval]: forget and retain QA and completion familiarity on the first `limit` items of a suite,
  // logged every `every` fine-tune steps into unlearned/run/metrics.jsonl (every 0: never).
  std::filesystem::path eval_suite;
  int64_t eval_every = 0;
  int64_t eval_limit = 50;
};

// The preset's values, then the file's (relative paths are taken from the file's folder). Throws
// lethe::Error naming the file, and the line for TOML syntax, a wrong type or an unknown key.
PipelineConfig read_pipeline_config(const std::filesystem::path& path);

enum class PipelineStatus { finished, interrupted };

// Runs the stages in float32 on `device`: out/reinforced, out/labels.bin, out/unlearned (the
// unlearned model, a complete Hugging Face directory).
PipelineStatus run_pipeline(const PipelineConfig& config, torch::Device device);

}  // namespace lethe::unlearn
