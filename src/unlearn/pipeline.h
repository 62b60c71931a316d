#pragma once
// lethe unlearn --config FILE.toml: a whole method from one TOML file, as the list of its stages
// (pipeline_config.h names the methods). Each stage writes its output into the run directory with
// a stage.json of the hashes of its inputs; a stage whose output exists with the same hashes is
// skipped, and an interrupted stage resumes from its checkpoint. The paper's family:
//   whp       the paper: reinforce 3 epochs, alpha 5, one translation, hard labels, 2 epochs, no retain data;
//   whp-plus  lethe's: 4 translations averaged, soft top-16 targets, KL to the baseline on retain text
//             (weight 10);
//   whp-plus-undo  whp-plus, then distilled into the base shrunk and perturbed halfway (alpha 0.5)
//             on the [distill] text.
// The field's fine-tuning methods are one fine-tune on the forget text with their loss
// (forget_method_loss.h); task-vector reinforces, then moves the base away from the reinforced model;
// whp-decoding reinforces, then writes the rule that combines the two at decoding time (MUSE's WHP).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "unlearn/pipeline_config.h"

namespace lethe::unlearn {

enum class PipelineStatus { finished, interrupted };

// What the fine-tunes measure every [eval] `every` steps: made from the suite folder, the item
// limit and the base's tokenizer (which outlives it). The caller's measurement (lethe's is
// eval::make_training_probe), so that unlearning does not depend on the evaluation.
using TrainingProbe = std::function<nlohmann::json(model::CausalLM&)>;
using ProbeFactory =
    std::function<TrainingProbe(const std::filesystem::path& suite, size_t limit, const tokenizer::Tokenizer& tokenizer)>;

// Runs the method's stages in float32 on `device`: out/reinforced and out/labels.bin where the
// method has them, out/unlearned (the unlearned model, a complete Hugging Face directory) and,
// with [distill], out/distilled. Throws lethe::Error when [eval] asks for probes and make_probe
// is empty.
PipelineStatus run_pipeline(const PipelineConfig& config, torch::Device device, const ProbeFactory& make_probe = {});

}  // namespace lethe::unlearn
