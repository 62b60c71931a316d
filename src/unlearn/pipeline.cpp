#include "unlearn/pipeline.h"

#include <fmt/core.h>

#include <functional>
#include <optional>
#include <utility>

#include "dist/world.h"
#include "io/file.h"
#include "io/run_lock.h"
#include "model/checkpoint.h"
#include "model/lora.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/distillation.h"
#include "unlearn/forget_method_loss.h"
#include "unlearn/label_file.h"
#include "unlearn/label_stage.h"
#include "unlearn/stages.h"
#include "unlearn/task_vector.h"
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


// One run of a method: the pieces every stage shares (tokenizer, forget text, hashes) and one
// function per stage. A method is the list of its stages (stages()).
class PipelineRun {
 public:
  PipelineRun(const PipelineConfig& c, torch::Device device, const ProbeFactory& make_probe)
      : c_(c), device_(device), make_probe_(make_probe) {
    if (c.eval_every > 0 && !make_probe) throw Error("unlearn: [eval] every > 0, and no probe to measure with");
    tok_ = tokenizer::load_tokenizer(c.base);
    if (c.labels.soft_top_k > tok_->vocab_size())  // refused before stage 1, not after it
      throw Error(fmt::format("[labels] soft_top_k {} is more than the vocabulary's {} tokens", c.labels.soft_top_k,
                              tok_->vocab_size()));
    // Each stage loads the models it needs and lets them go: at real sizes two copies are the limit.
    const auto base_config = model::read_model_config(c.base);
    block_length_ = std::min(c.block_length, base_config.max_position_embeddings);
    parameters_ = base_config.parameter_count();
    std::vector<std::string> forget_files(c.forget.begin(), c.forget.end());
    forget_ = train::token_stream(*tok_, forget_files);
    base_hash_ = util::hash_model_dir(c.base);
    forget_hash_ = hash_paths(c.forget);
    const int64_t forget_blocks = static_cast<int64_t>(forget_.size()) / block_length_;
    reinforce_options_ = options_for(c.out / "reinforced", c.reinforce_epochs, forget_blocks, c.reinforce_lr,
                                     kPaperReinforceLr);
    reinforce_inputs_ = {{"base", base_hash_}, {"forget", forget_hash_}, {"steps", reinforce_options_.steps},
                         {"lr", reinforce_options_.lr}, {"block_length", block_length_}, {"seed", c.seed}};
    // Runs that reinforce alike (lethe compare's whp, whp-plus, task-vector) share one folder.
    reinforced_dir_ = c.shared_stages.empty() ? c.out / "reinforced"
                                              : c.shared_stages / ("reinforced-" +
                                                                   util::hash_bytes(with_lora(reinforce_inputs_, c).dump()));
    reinforce_options_.run_dir = reinforced_dir_ / "run";
  }

  PipelineStatus run() {
    for (const auto& stage : stages())
      if (!(this->*stage.body)(fmt::format("stage {} ({})", stage.number, stage.name))) return PipelineStatus::interrupted;
    return PipelineStatus::finished;
  }

 private:
  struct Stage {
    int number;  // as the paper numbers the method's stages
    std::string name;
    bool (PipelineRun::*body)(const std::string& label);  // false: interrupted
  };

  std::vector<Stage> stages() const {
    std::vector<Stage> list;
    switch (method_family(c_.method)) {
      case MethodFamily::generic_labels:  // stage 2, the dictionary, is the config's file
        list = {{1, "reinforce", &PipelineRun::reinforce},
                {3, "labels", &PipelineRun::generic_labels},
                {4, "fine-tune", &PipelineRun::finetune_on_labels}};
        break;
      case MethodFamily::task_vector:
        list = {{1, "reinforce", &PipelineRun::reinforce}, {2, "task vector", &PipelineRun::task_vector}};
        break;
      case MethodFamily::decoding_rule:
        list = {{1, "reinforce", &PipelineRun::reinforce}, {2, "decoding rule", &PipelineRun::decoding_rule}};
        break;
      case MethodFamily::forget_loss:
        list = {{1, "fine-tune, " + c_.method, &PipelineRun::finetune_on_forget}};
        break;
    }
    if (c_.distill_alpha >= 0) list.push_back({list.back().number + 1, "distill", &PipelineRun::distill});
    return list;
  }

  // A training stage: skipped when its record matches; else the model made, trained, saved.
  bool training_stage(const std::string& label, const fs::path& dir, const nlohmann::json& inputs,
                      const std::string& plan, const std::function<model::CausalLM()>& make_model,
                      const std::function<train::TrainStatus(model::CausalLM&)>& train) {
    StageRecord record(dir, with_lora(inputs, c_));
    if (record.done()) {
      say("{}: done before, kept\n", label);
      return true;
    }
    say("{}: {}\n", label, plan);
    record.begin();
    auto model = make_model();
    if (train(model) == train::TrainStatus::interrupted) return false;
    save_trained(model, dir, c_);
    record.finish();
    return true;
  }

  train::TrainerOptions options_for(const fs::path& dir, double epochs, int64_t blocks, double lr,
                                    double paper_lr) const {
    auto o = trainer_options(c_, dir / "run");
    o.steps = steps_for_epochs(epochs, blocks, o);
    o.lr = lr > 0 ? lr : scaled_lr(paper_lr, parameters_);
    return o;
  }

  std::string steps_at(const train::TrainerOptions& o) const {
    return fmt::format("{} steps at lr {:.2e}", o.steps, o.lr);
  }

  std::shared_ptr<const train::TokenBlocks> retain_blocks() const {
    if (c_.retain_weight <= 0) return nullptr;
    std::vector<std::string> files(c_.retain.begin(), c_.retain.end());
    return std::make_shared<train::TokenBlocks>(train::token_stream(*tok_, files), block_length_, c_.seed + 1);
  }

  model::CausalLM frozen_base(bool needed) const {
    return needed ? model::load_causal_lm(c_.base, device_, torch::kFloat) : nullptr;
  }

  void add_probe(train::TrainerOptions& o) const {
    if (c_.eval_every <= 0) return;
    o.probe = make_probe_(c_.eval_suite, static_cast<size_t>(c_.eval_limit), *tok_);
    o.probe_every = c_.eval_every;
  }

  // The fine-tune's settings shared by every method: steps, lr, retain term, sharpness.
  nlohmann::json finetune_inputs(const train::TrainerOptions& o) const {
    nlohmann::json inputs = {{"base", base_hash_}, {"steps", o.steps}, {"lr", o.lr}, {"retain_weight", c_.retain_weight},
                             {"retain", c_.retain.empty() ? "" : hash_paths(c_.retain)}, {"seed", c_.seed}};
    // Absent at their defaults, so that the records of earlier runs stay valid.
    if (c_.sam_rho > 0) inputs["sam_rho"] = c_.sam_rho;
    if (c_.retain_weight > 0 && c_.retain_loss == RetainLoss::nll) inputs["retain_loss"] = "nll";
    return inputs;
  }

  const fs::path& reinforced_dir() const { return reinforced_dir_; }
  fs::path unlearned_dir() const { return c_.out / "unlearned"; }
  fs::path labels_path() const { return c_.out / "labels.bin"; }

  bool reinforce(const std::string& label) {
    train::TokenBlocks blocks(forget_, block_length_, c_.seed);
    return training_stage(label, reinforced_dir(), reinforce_inputs_, steps_at(reinforce_options_),
                          [&] { return trainable_base(c_, device_); },
                          [&](model::CausalLM& m) { return unlearn::reinforce(m, blocks, reinforce_options_); });
  }

  bool generic_labels(const std::string& label) {
    LabelOptions options = c_.labels;
    options.block_length = block_length_;
    auto provenance = label_provenance({base_hash_, util::hash_model_dir(reinforced_dir()), forget_hash_,
                                        util::hash_files({c_.dictionary})},
                                       c_.paper_rules, options);
    if (fs::exists(labels_path())) {
      try {
        LabelFileReader(labels_path()).require_provenance(provenance);
        say("{}: done before, kept\n", label);
        return true;
      } catch (const Error& e) {
        say("{}: recomputing: {}\n", label, e.what());
      }
    }
    auto dictionary = read_anchor_dictionary(c_.dictionary);
    if (c_.paper_rules) dictionary = apply_paper_rules(dictionary);
    TermMatcher matcher(*tok_, dictionary);
    auto reinforced = model::load_causal_lm(reinforced_dir(), device_, torch::kFloat);
    auto base = model::load_causal_lm(c_.base, device_, torch::kFloat);
    return !write_generic_labels(base, reinforced, matcher, forget_, options, provenance, labels_path(), label)
                .interrupted;
  }

  bool finetune_on_labels(const std::string& label) {
    auto labels = std::make_shared<LabelFileReader>(labels_path());
    auto o = options_for(unlearned_dir(), c_.finetune_epochs, labels->block_count(), c_.finetune_lr, kPaperFinetuneLr);
    o.sam_rho = c_.sam_rho;
    auto inputs = finetune_inputs(o);
    inputs["labels"] = util::hash_files({labels_path()});
    inputs["soft"] = c_.soft;
    GenericLabelLossOptions loss;
    loss.soft = c_.soft;
    loss.retain_weight = c_.retain_weight;
    loss.retain_loss = c_.retain_loss;
    return training_stage(label, unlearned_dir(), inputs, steps_at(o), [&] { return trainable_base(c_, device_); },
                          [&](model::CausalLM& m) {
                            add_probe(o);
                            auto base = frozen_base(c_.retain_weight > 0 && c_.retain_loss == RetainLoss::kl);
                            return unlearn::finetune_on_labels(m, labels, loss, o, c_.seed, base, retain_blocks());
                          });
  }

  bool finetune_on_forget(const std::string& label) {
    train::TokenBlocks blocks(forget_, block_length_, c_.seed);
    auto o = options_for(unlearned_dir(), c_.finetune_epochs, blocks.block_count(), c_.finetune_lr, kForgetLossLr);
    o.sam_rho = c_.sam_rho;
    const ForgetLossOptions& loss = c_.forget_loss;
    auto inputs = finetune_inputs(o);
    inputs.update({{"forget", forget_hash_}, {"block_length", block_length_}, {"method", c_.method},
                   {"beta", loss.beta}, {"gamma", loss.gamma}, {"retain_loss", c_.retain_loss == RetainLoss::nll ? "nll" : "kl"}});
    if (loss.method == ForgetMethod::rmu) inputs.update({{"rmu_layer", loss.rmu.layer}, {"rmu_steering", loss.rmu.steering}});
    return training_stage(label, unlearned_dir(), inputs, steps_at(o),
                          [&] { return trainable_base(c_, device_); },
                          [&](model::CausalLM& m) {
                            add_probe(o);
                            return unlearn::finetune_on_forget(m, blocks, loss, o, frozen_base(needs_frozen_base(loss)),
                                                               retain_blocks());
                          });
  }

  // A stage after stage 1 that trains nothing: out/unlearned made from the base and the reinforced
  // model by `make`, skipped when its record matches.
  bool from_reinforced(const std::string& label, nlohmann::json inputs, const std::string& plan,
                       const std::function<void()>& make) {
    inputs.update({{"base", base_hash_}, {"reinforced", util::hash_model_dir(reinforced_dir())}});
    StageRecord record(unlearned_dir(), inputs);
    if (record.done()) {
      say("{}: done before, kept\n", label);
      return true;
    }
    say("{}: {}\n", label, plan);
    record.begin();
    make();
    record.finish();
    return true;
  }

  bool task_vector(const std::string& label) {
    const double scale = c_.task_vector_scale;
    return from_reinforced(label, {{"scale", scale}}, fmt::format("base - {} x (reinforced - base)", scale), [&] {
      auto base = model::load_causal_lm(c_.base, device_, torch::kFloat);
      auto reinforced = model::load_causal_lm(reinforced_dir(), device_, torch::kFloat);
      negate_task_vector(base, reinforced, scale);
      written_by_main([&] { model::save_model(base, unlearned_dir(), model::parse_dtype(c_.save_dtype), c_.base); });
    });
  }

  // MUSE's WHP: no weights, a directory that loads the base with the reinforced model attached.
  bool decoding_rule(const std::string& label) {
    const double alpha = c_.labels.alphas.front();
    return from_reinforced(label, {{"alpha", alpha}},
                           fmt::format("logits of base - {} x ReLU(reinforced - base) while decoding", alpha), [&] {
                             written_by_main(
                                 [&] { model::save_decoding_rule(unlearned_dir(), c_.base, reinforced_dir(), alpha); });
                           });
  }

  // UNDO: the unlearned model distilled into the base shrunk and perturbed.
  bool distill(const std::string& label) {
    const fs::path dir = c_.out / "distilled";
    std::vector<std::string> files(c_.distill_text.begin(), c_.distill_text.end());
    train::TokenBlocks text(train::token_stream(*tok_, files), block_length_, c_.seed + 2);
    auto o = trainer_options(c_, dir / "run");
    const int64_t tokens_per_step = o.batch_size * o.accumulation * block_length_;
    o.steps = c_.distill_tokens > 0 ? std::max<int64_t>(1, c_.distill_tokens / tokens_per_step)
                                    : steps_for_epochs(1.0, text.block_count(), o);
    o.lr = c_.distill_lr > 0 ? c_.distill_lr : scaled_lr(kDistillLr, parameters_);
    const int64_t tokens = o.steps * tokens_per_step;
    const double flops = training_flops(parameters_, tokens);
    nlohmann::json inputs = {{"base", base_hash_}, {"teacher", util::hash_model_dir(unlearned_dir())},
                             {"text", hash_paths(c_.distill_text)}, {"alpha", c_.distill_alpha},
                             {"top_k", c_.distill_top_k}, {"steps", o.steps}, {"lr", o.lr}, {"seed", c_.seed}};
    auto plan = fmt::format("alpha {}, {}, {} tokens, {:.3g} FLOPs (6 x {} parameters x tokens)", c_.distill_alpha,
                            steps_at(o), tokens, flops, parameters_);
    auto make_student = [&] {
      auto student = model::load_causal_lm(c_.base, device_, torch::kFloat);
      shrink_and_perturb(student, c_.distill_alpha, c_.seed + 3);
      if (c_.lora) model::add_lora(student, *c_.lora, c_.seed + 4);
      return student;
    };
    return training_stage(label, dir, inputs, plan, make_student, [&](model::CausalLM& student) {
      auto teacher = model::load_causal_lm(unlearned_dir(), device_, torch::kFloat);
      auto status = unlearn::distill(student, teacher, text, c_.distill_top_k, o);
      if (status == train::TrainStatus::finished)
        written_by_main([&] {
          io::write_json_atomic(dir / "compute.json", {{"tokens", tokens}, {"parameters", parameters_}, {"flops", flops}});
        });
      return status;
    });
  }

  const PipelineConfig& c_;
  torch::Device device_;
  const ProbeFactory& make_probe_;
  std::unique_ptr<tokenizer::Tokenizer> tok_;
  int64_t block_length_ = 0, parameters_ = 0;
  std::vector<int32_t> forget_;
  std::string base_hash_, forget_hash_;
  train::TrainerOptions reinforce_options_;
  nlohmann::json reinforce_inputs_;
  fs::path reinforced_dir_;
};

}  // namespace

PipelineStatus run_pipeline(const PipelineConfig& c, torch::Device device, const ProbeFactory& make_probe) {
  std::optional<io::RunLock> lock;  // one run per directory, held by the main process
  if (dist::World::get().is_main()) lock.emplace(c.out);
  return PipelineRun(c, device, make_probe).run();
}

}  // namespace lethe::unlearn
