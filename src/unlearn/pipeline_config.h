#pragma once
// The pipeline's TOML file (lethe unlearn --config): the preset's values, then the file's, each
// number checked against its rule (util/number_rule.h) as it is read. Torch-free, so that it is
// fuzzed and tested on its own.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <optional>

#include "model/lora_options.h"
#include "unlearn/forget_method_options.h"
#include "unlearn/label_options.h"

namespace lethe::unlearn {

// The unlearning methods a pipeline runs (`method`, or its older name `preset`):
//   whp, whp-plus, whp-plus-undo  the paper's stages: reinforce, labels, fine-tune on the labels;
//   gradascent, graddiff, npo, simnpo, undial, rmu  a fine-tune on the forget text with the method's loss;
//   task-vector  reinforce, then the base moved away from the reinforced model;
//   whp-decoding  reinforce, then the paper's rule at decoding time ([labels] alpha; no training).
enum class MethodFamily { generic_labels, forget_loss, task_vector, decoding_rule };
MethodFamily method_family(const std::string& method);
extern const std::vector<std::string> kMethods;

struct PipelineConfig {
  std::string method = "whp";
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
  RetainLoss retain_loss = RetainLoss::kl;  // [finetune] retain_loss: "kl" to the base, or "nll"
  double sam_rho = 0.0;  // [finetune]: sharpness-aware radius of the unlearning fine-tune (0: off)
  // The forget-loss methods' settings ([npo] beta, [simnpo] beta and gamma, [undial] beta, [rmu]
  // layer and steering); its retain term is the [finetune] one. Filled in by the reader for those methods.
  ForgetLossOptions forget_loss;
  double task_vector_scale = 1.0;  // [task_vector] scale: theta_base - scale (theta_reinforced - theta_base)
  // Where stages that several runs share are kept, each in a folder named by the hash of its inputs
  // (the reinforced model: lethe compare's runs); empty: in out.
  std::filesystem::path shared_stages;
  std::string save_dtype = "float32";
  bool activation_checkpointing = false;  // every fine-tune recomputes each layer in backward
  int64_t zero_stage = 0;  // across processes: 1 optimizer states sharded, 2 gradients too
  // [lora]: every fine-tune trains adapters on the frozen model instead of every weight; each
  // stage's folder then holds the merged model and, in adapter/, the adapters as PEFT writes them.
  std::optional<model::LoraOptions> lora;
  // [eval]: forget and retain QA and completion familiarity on the first `limit` items of a suite,
  // logged every `every` fine-tune steps into unlearned/run/metrics.jsonl (every 0: never).
  std::filesystem::path eval_suite;
  int64_t eval_every = 0;
  int64_t eval_limit = 50;
  // [distill] (UNDO): the unlearned model distilled into the base shrunk and perturbed by alpha
  // (0: the base, 1: a fresh model), on text that holds none of the forget content, for `tokens`
  // tokens (0: one pass), into out/distilled. No stage while alpha < 0.
  double distill_alpha = -1.0;
  std::vector<std::filesystem::path> distill_text;
  int64_t distill_tokens = 0;
  double distill_lr = 0.0;  // 0: scaled from 3e-5 at 7B
  int64_t distill_top_k = 0;  // 0: the whole vocabulary

  // Where the pipeline's result is: out/distilled with a [distill] stage, else out/unlearned.
  std::filesystem::path result_dir() const { return out / (distill_alpha >= 0 ? "distilled" : "unlearned"); }
};

// The preset's values, then the file's (relative paths are taken from the file's folder). Throws
// lethe::Error naming the file, and the line for TOML syntax, a wrong type or an unknown key.
PipelineConfig read_pipeline_config(const std::filesystem::path& path);

}  // namespace lethe::unlearn
