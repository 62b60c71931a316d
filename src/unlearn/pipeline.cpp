#include "unlearn/pipeline.h"

#include <fmt/core.h>

#include <functional>
#include <optional>

#include "dist/world.h"
#include "eval/training_probe.h"
#include "io/file.h"
#include "io/run_lock.h"
#include "model/checkpoint.h"
#include "model/lora.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/distillation.h"
#include "unlearn/label_file.h"
#include "unlearn/label_stage.h"
#include "unlearn/stages.h"
#include "util/content_hash.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

// Progress lines come from the main process alone.
template <typename... Args>
void say(fmt::format_string<Args...> format, Args&&... args) {
  if (dist::World::get().is_main()) fmt::print(stderr, format, std::forward<Args>(args)...);
}

// Files are written by the main process alone; the others wait until they are there.
void written_by_main(const std::function<void()>& write) {
  dist::World& world = dist::World::get();
  if (world.is_main()) write();
  world.barrier();
}

// A stage's record: the hashes of its inputs, written when it starts (inputs.json) and when it
// ends (stage.json). A stage is done when stage.json matches; a started stage with other inputs
// starts over.
class StageRecord {
 public:
  StageRecord(fs::path dir, nlohmann::json inputs) : dir_(std::move(dir)), inputs_(std::move(inputs)) {}
  bool done() const { return matches(dir_ / "stage.json"); }
  void begin() const {
    written_by_main([&] {
      if (fs::exists(dir_ / "inputs.json") && !matches(dir_ / "inputs.json")) fs::remove_all(dir_);
      fs::create_directories(dir_);
      io::write_json_atomic(dir_ / "inputs.json", inputs_);
    });
  }
  void finish() const {
    written_by_main([&] { io::write_json_atomic(dir_ / "stage.json", inputs_); });
  }

 private:
  bool matches(const fs::path& file) const { return fs::exists(file) && io::read_json(file) == inputs_; }
  fs::path dir_;
  nlohmann::json inputs_;
};

train::TrainerOptions trainer_options(const PipelineConfig& c, const fs::path& run_dir) {
  train::TrainerOptions t;
  t.batch_size = c.batch_size;
  t.accumulation = c.accumulation;
  t.weight_decay = 0.0;
  t.min_lr_ratio = 1.0;  // constant lr after warmup, as the paper's fine-tunes
  t.eval_every = 0;
  t.log_every = 1;
  t.checkpoint_every = 10;
  t.run_dir = run_dir;
  t.activation_checkpointing = c.activation_checkpointing;
  t.zero_stage = c.zero_stage;
  return t;
}

std::string hash_paths(const std::vector<fs::path>& files) { return util::hash_files(files); }

// A fine-tuning stage's inputs, and with [lora] its adapters' settings (absent without, so that
// the records of runs without adapters stay as they were).
nlohmann::json with_lora(nlohmann::json inputs, const PipelineConfig& c) {
  if (c.lora)
    inputs["lora"] = {{"rank", c.lora->rank}, {"alpha", c.lora->alpha}, {"dropout", c.lora->dropout},
                      {"targets", c.lora->targets}, {"frozen_dtype", c.lora->frozen_dtype}};
  return inputs;
}

// The base model as a fine-tune starts from: with [lora], its weights frozen (in the frozen dtype)
// under fresh adapters.
model::CausalLM trainable_base(const PipelineConfig& c, torch::Device device) {
  if (!c.lora) return model::load_causal_lm(c.base, device, torch::kFloat);
  auto model = model::load_causal_lm(c.base, device, model::parse_dtype(c.lora->frozen_dtype));
  model::add_lora(model, *c.lora, c.seed + 4);
  return model;
}

void save_trained(model::CausalLM& model, const fs::path& dir, const PipelineConfig& c) {
  written_by_main([&] { save_fine_tuned(model, dir, c.lora, model::parse_dtype(c.save_dtype), c.base); });
}

}  // namespace

PipelineStatus run_pipeline(const PipelineConfig& c, torch::Device device) {
  std::optional<io::RunLock> lock;  // one run per directory, held by the main process
  if (dist::World::get().is_main()) lock.emplace(c.out);
  auto tok = tokenizer::load_tokenizer(c.base);
  if (c.labels.soft_top_k > tok->vocab_size())  // refused before stage 1, not after it
    throw Error(fmt::format("[labels] soft_top_k {} is more than the vocabulary's {} tokens", c.labels.soft_top_k,
                            tok->vocab_size()));
  // Each stage loads the models it needs and lets them go: at real sizes two copies are the limit.
  const auto base_config = model::read_model_config(c.base);
  const int64_t block_length = std::min(c.block_length, base_config.max_position_embeddings);
  const int64_t parameters = base_config.parameter_count();
  std::vector<std::string> forget_files(c.forget.begin(), c.forget.end());
  auto forget = train::token_stream(*tok, forget_files);
  const std::string base_hash = util::hash_model_dir(c.base), forget_hash = hash_paths(c.forget);

  // Stage 1: the reinforced model.
  fs::path reinforced_dir = c.out / "reinforced";
  train::TokenBlocks forget_blocks(forget, block_length, c.seed);
  auto reinforce_options = trainer_options(c, reinforced_dir / "run");
  reinforce_options.steps = steps_for_epochs(c.reinforce_epochs, forget_blocks.block_count(), reinforce_options);
  reinforce_options.lr = c.reinforce_lr > 0 ? c.reinforce_lr : scaled_lr(kPaperReinforceLr, parameters);
  StageRecord reinforce_stage(reinforced_dir, with_lora({{"base", base_hash}, {"forget", forget_hash},
                                                         {"steps", reinforce_options.steps}, {"lr", reinforce_options.lr},
                                                         {"block_length", block_length}, {"seed", c.seed}}, c));
  if (reinforce_stage.done()) {
    say("stage 1 (reinforce): done before, kept\n");
  } else {
    say("stage 1 (reinforce): {} steps at lr {:.2e}\n", reinforce_options.steps, reinforce_options.lr);
    reinforce_stage.begin();
    auto model = trainable_base(c, device);
    if (reinforce(model, forget_blocks, reinforce_options) == train::TrainStatus::interrupted)
      return PipelineStatus::interrupted;
    save_trained(model, reinforced_dir, c);
    reinforce_stage.finish();
  }

  // Stage 2 and 3: the dictionary and the generic labels.
  fs::path labels_path = c.out / "labels.bin";
  LabelOptions label_options = c.labels;
  label_options.block_length = block_length;
  auto provenance = label_provenance({base_hash, util::hash_model_dir(reinforced_dir), forget_hash,
                                      util::hash_files({c.dictionary})},
                                     c.paper_rules, label_options);
  bool labels_ready = false;
  if (fs::exists(labels_path)) {
    try {
      LabelFileReader(labels_path).require_provenance(provenance);
      labels_ready = true;
    } catch (const Error& e) {
      say("stage 3 (labels): recomputing: {}\n", e.what());
    }
  }
  if (labels_ready) {
    say("stage 3 (labels): done before, kept\n");
  } else {
    auto dictionary = read_anchor_dictionary(c.dictionary);
    if (c.paper_rules) dictionary = apply_paper_rules(dictionary);
    TermMatcher matcher(*tok, dictionary);
    auto reinforced = model::load_causal_lm(reinforced_dir, device, torch::kFloat);
    auto base = model::load_causal_lm(c.base, device, torch::kFloat);
    if (write_generic_labels(base, reinforced, matcher, forget, label_options, provenance, labels_path,
                             "stage 3 (labels)")
            .interrupted)
      return PipelineStatus::interrupted;
  }

  // Stage 4: the baseline fine-tuned on generic labels.
  fs::path unlearned_dir = c.out / "unlearned";
  auto labels = std::make_shared<LabelFileReader>(labels_path);
  auto finetune_options = trainer_options(c, unlearned_dir / "run");
  finetune_options.steps = steps_for_epochs(c.finetune_epochs, labels->block_count(), finetune_options);
  finetune_options.lr = c.finetune_lr > 0 ? c.finetune_lr : scaled_lr(kPaperFinetuneLr, parameters);
  finetune_options.sam_rho = c.sam_rho;
  nlohmann::json finetune_inputs = {{"base", base_hash}, {"labels", util::hash_files({labels_path})},
                                    {"steps", finetune_options.steps}, {"lr", finetune_options.lr},
                                    {"soft", c.soft}, {"retain_weight", c.retain_weight},
                                    {"retain", c.retain.empty() ? "" : hash_paths(c.retain)}, {"seed", c.seed}};
  if (c.sam_rho > 0) finetune_inputs["sam_rho"] = c.sam_rho;  // absent when off: earlier records stay valid
  StageRecord finetune_stage(unlearned_dir, with_lora(finetune_inputs, c));
  if (finetune_stage.done()) {
    say("stage 4 (fine-tune): done before, kept\n");
  } else {
    say("stage 4 (fine-tune): {} steps at lr {:.2e}\n", finetune_options.steps, finetune_options.lr);
    finetune_stage.begin();
    GenericLabelLossOptions loss;
    loss.soft = c.soft;
    loss.retain_weight = c.retain_weight;
    std::shared_ptr<const train::TokenBlocks> retain;
    if (c.retain_weight > 0) {
      std::vector<std::string> retain_files(c.retain.begin(), c.retain.end());
      retain = std::make_shared<train::TokenBlocks>(train::token_stream(*tok, retain_files), block_length, c.seed + 1);
    }
    if (c.eval_every > 0) {
      finetune_options.probe = eval::make_training_probe(c.eval_suite, static_cast<size_t>(c.eval_limit), *tok);
      finetune_options.probe_every = c.eval_every;
    }
    auto model = trainable_base(c, device);
    model::CausalLM frozen_base = c.retain_weight > 0 ? model::load_causal_lm(c.base, device, torch::kFloat) : nullptr;
    if (finetune_on_labels(model, labels, loss, finetune_options, c.seed, frozen_base, retain) ==
        train::TrainStatus::interrupted)
      return PipelineStatus::interrupted;
    save_trained(model, unlearned_dir, c);
    finetune_stage.finish();
  }
  if (c.distill_alpha < 0) return PipelineStatus::finished;

  // Stage 5 (UNDO): the unlearned model distilled into the base shrunk and perturbed.
  fs::path distilled_dir = c.out / "distilled";
  std::vector<std::string> text_files(c.distill_text.begin(), c.distill_text.end());
  train::TokenBlocks text(train::token_stream(*tok, text_files), block_length, c.seed + 2);
  auto distill_options = trainer_options(c, distilled_dir / "run");
  const int64_t tokens_per_step = distill_options.batch_size * distill_options.accumulation * block_length;
  distill_options.steps = c.distill_tokens > 0 ? std::max<int64_t>(1, c.distill_tokens / tokens_per_step)
                                               : steps_for_epochs(1.0, text.block_count(), distill_options);
  distill_options.lr = c.distill_lr > 0 ? c.distill_lr : scaled_lr(kDistillLr, parameters);
  const int64_t tokens = distill_options.steps * tokens_per_step;
  StageRecord distill_stage(distilled_dir, with_lora({{"base", base_hash}, {"teacher", util::hash_model_dir(unlearned_dir)},
                                                      {"text", hash_paths(c.distill_text)}, {"alpha", c.distill_alpha},
                                                      {"top_k", c.distill_top_k}, {"steps", distill_options.steps},
                                                      {"lr", distill_options.lr}, {"seed", c.seed}}, c));
  if (distill_stage.done()) {
    say("stage 5 (distill): done before, kept\n");
    return PipelineStatus::finished;
  }
  say("stage 5 (distill): alpha {}, {} steps at lr {:.2e}, {} tokens, {:.3g} FLOPs (6 x {} parameters x "
             "tokens)\n", c.distill_alpha, distill_options.steps, distill_options.lr, tokens,
             training_flops(parameters, tokens), parameters);
  distill_stage.begin();
  auto student = model::load_causal_lm(c.base, device, torch::kFloat);
  shrink_and_perturb(student, c.distill_alpha, c.seed + 3);
  if (c.lora) model::add_lora(student, *c.lora, c.seed + 4);
  auto teacher = model::load_causal_lm(unlearned_dir, device, torch::kFloat);
  if (distill(student, teacher, text, c.distill_top_k, distill_options) == train::TrainStatus::interrupted)
    return PipelineStatus::interrupted;
  save_trained(student, distilled_dir, c);
  written_by_main([&] {
    io::write_json_atomic(distilled_dir / "compute.json", {{"tokens", tokens}, {"parameters", parameters},
                                                           {"flops", training_flops(parameters, tokens)}});
  });
  distill_stage.finish();
  return PipelineStatus::finished;
}

}  // namespace lethe::unlearn
