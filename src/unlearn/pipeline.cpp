#include "unlearn/pipeline.h"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <optional>
#include <set>

#include "eval/training_probe.h"
#include "io/file.h"
#include "io/run_lock.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/stages.h"
#include "util/content_hash.h"
#include "util/error.h"
#include "util/number_rule.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

void apply_preset(PipelineConfig& c, const std::string& where) {
  if (c.preset == "whp") return;  // PipelineConfig's defaults are the paper's
  if (c.preset == "whp-plus") {
    c.labels.translations = 4;
    c.labels.soft_top_k = 16;
    c.soft = true;
    c.retain_weight = 10.0;  // demo world: weight 1 (with the glosses) kept 16% of retain QA, 10 kept 95.5%
    return;
  }
  throw Error(where + ": unknown preset \"" + c.preset + "\" (whp or whp-plus)");
}

// Reads one table of the file, remembering the keys it knows so that typos are reported.
class TableReader {
 public:
  TableReader(const toml::table& table, const fs::path& file, std::string section)
      : table_(table), file_(file), section_(std::move(section)) {}

  template <typename T>
  void get(const char* key, T& out) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto value = node->value<T>();
    if (!value) fail(*node, key, "has the wrong type");
    out = *value;
  }
  // A number that must follow a rule (util/number_rule.h): the file, line and key are named.
  template <typename T>
  void get(const char* key, T& out, const util::NumberRule& rule) {
    get(key, out);
    check(key, static_cast<double>(out), rule);
  }
  void path(const char* key, fs::path& out) {
    std::string text;
    get(key, text);
    if (!text.empty()) out = resolve(text);
  }
  void paths(const char* key, std::vector<fs::path>& out) {
    if (auto texts = one_or_list<std::string>(key, "path")) {
      out.clear();
      for (const auto& text : *texts) out.push_back(resolve(text));
    }
  }
  // One number or a non-empty list of them, each following the rule.
  void numbers(const char* key, std::vector<double>& out, const util::NumberRule& rule) {
    auto values = one_or_list<double>(key, "number");
    if (!values) return;
    if (values->empty()) fail(*table_.get(key), key, "must list at least one number");
    for (double value : *values) check(key, value, rule);
    out = *values;
  }
  // A dtype lethe can write.
  void dtype(const char* key, std::string& out) {
    get(key, out);
    try {
      model::parse_dtype(out);
    } catch (const Error& e) {
      fail(*table_.get(key), key, e.what());
    }
  }
  TableReader section(const char* key) {
    known_.insert(key);
    static const toml::table empty;
    const toml::node* node = table_.get(key);
    if (node && !node->is_table()) fail(*node, key, "must be a table");
    return TableReader(node ? *node->as_table() : empty, file_, key);
  }
  void reject_unknown_keys() const {
    for (const auto& [key, node] : table_)
      if (!known_.count(std::string(key.str()))) fail(node, std::string(key.str()), "is not a setting of lethe unlearn");
  }

 private:
  // A value or a list of values of type T; nothing when the key is absent.
  template <typename T>
  std::optional<std::vector<T>> one_or_list(const char* key, const std::string& what) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return std::nullopt;
    if (auto single = node->value<T>()) return std::vector<T>{*single};
    const auto* array = node->as_array();
    if (!array) fail(*node, key, "must be a " + what + " or a list of " + what + "s");
    std::vector<T> out;
    for (const auto& element : *array) {
      auto item = element.value<T>();
      if (!item) fail(element, key, "must be a list of " + what + "s");
      out.push_back(*item);
    }
    return out;
  }
  void check(const char* key, double value, const util::NumberRule& rule) const {
    const toml::node* node = table_.get(key);
    std::string wrong = rule.what_is_wrong(value);
    if (node && !wrong.empty()) fail(*node, key, wrong);
  }
  fs::path resolve(const std::string& text) const {
    fs::path p(text);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }
  [[noreturn]] void fail(const toml::node& node, const std::string& key, const std::string& what) const {
    std::string name = section_.empty() ? key : section_ + "." + key;
    throw Error(fmt::format("{}:{}: {} {}", file_.string(), node.source().begin.line, name, what));
  }

  const toml::table& table_;
  fs::path file_;
  std::string section_;
  std::set<std::string> known_;
};

// A stage's record: the hashes of its inputs, written when it starts (inputs.json) and when it
// ends (stage.json). A stage is done when stage.json matches; a started stage with other inputs
// starts over.
class StageRecord {
 public:
  StageRecord(fs::path dir, nlohmann::json inputs) : dir_(std::move(dir)), inputs_(std::move(inputs)) {}
  bool done() const { return matches(dir_ / "stage.json"); }
  void begin() const {
    if (fs::exists(dir_ / "inputs.json") && !matches(dir_ / "inputs.json")) fs::remove_all(dir_);
    fs::create_directories(dir_);
    io::write_json_atomic(dir_ / "inputs.json", inputs_);
  }
  void finish() const { io::write_json_atomic(dir_ / "stage.json", inputs_); }

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
  return t;
}

std::string hash_paths(const std::vector<fs::path>& files) { return util::hash_files(files); }

}  // namespace

PipelineConfig read_pipeline_config(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error(fmt::format("{}: not a file; give a pipeline TOML file (see configs/)", path.string()));
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw Error(fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
  }
  PipelineConfig c;
  TableReader top(table, path, "");
  top.get("preset", c.preset);
  apply_preset(c, path.string());
  top.path("base", c.base);
  top.path("dictionary", c.dictionary);
  top.path("out", c.out);
  top.paths("forget", c.forget);
  top.paths("retain", c.retain);
  using util::at_least;
  int64_t seed = 0;
  top.get("seed", seed, at_least(0));
  c.seed = static_cast<uint64_t>(seed);
  c.labels.seed = c.seed;
  top.get("block_length", c.block_length, at_least(2));
  top.get("batch_size", c.batch_size, at_least(1));
  top.get("accumulation", c.accumulation, at_least(1));
  top.get("paper_rules", c.paper_rules);
  top.dtype("save_dtype", c.save_dtype);
  auto reinforce = top.section("reinforce");
  reinforce.get("epochs", c.reinforce_epochs, util::above(0));
  reinforce.get("lr", c.reinforce_lr, at_least(0));
  reinforce.reject_unknown_keys();
  auto labels = top.section("labels");
  labels.numbers("alpha", c.labels.alphas, at_least(0));
  labels.get("translations", c.labels.translations, at_least(1));
  labels.get("soft_top_k", c.labels.soft_top_k, at_least(0));
  labels.get("temperature", c.labels.temperature, util::above(0));
  labels.get("batch_size", c.labels.batch_size, at_least(1));
  labels.reject_unknown_keys();
  auto finetune = top.section("finetune");
  finetune.get("epochs", c.finetune_epochs, util::above(0));
  finetune.get("lr", c.finetune_lr, at_least(0));
  finetune.get("soft", c.soft);
  finetune.get("retain_weight", c.retain_weight, at_least(0));
  finetune.reject_unknown_keys();
  auto eval = top.section("eval");
  eval.path("suite", c.eval_suite);
  eval.get("every", c.eval_every, at_least(0));
  eval.get("limit", c.eval_limit, at_least(0));
  eval.reject_unknown_keys();
  top.reject_unknown_keys();
  for (const auto& [value, key] : {std::pair{c.base, "base"}, std::pair{c.dictionary, "dictionary"}, std::pair{c.out, "out"}})
    if (value.empty()) throw Error(fmt::format("{}: {} is required", path.string(), key));
  if (c.forget.empty()) throw Error(path.string() + ": forget (the corpus to forget) is required");
  if (c.eval_every > 0 && c.eval_suite.empty())
    throw Error(path.string() + ": [eval] every > 0 needs a suite (suite = \"DIR\")");
  if (c.retain_weight > 0 && c.retain.empty())
    throw Error(path.string() + ": retain_weight > 0 needs retain text (retain = [...])");
  return c;
}

PipelineStatus run_pipeline(const PipelineConfig& c, torch::Device device) {
  io::RunLock lock(c.out);
  auto tok = tokenizer::load_tokenizer(c.base);
  if (c.labels.soft_top_k > tok->vocab_size())  // refused before stage 1, not after it
    throw Error(fmt::format("[labels] soft_top_k {} is more than the vocabulary's {} tokens", c.labels.soft_top_k,
                            tok->vocab_size()));
  auto base = model::load_causal_lm(c.base, device, torch::kFloat);
  const int64_t block_length = std::min(c.block_length, base->config().max_position_embeddings);
  const int64_t parameters = base->config().parameter_count();
  std::vector<std::string> forget_files(c.forget.begin(), c.forget.end());
  auto forget = train::token_stream(*tok, forget_files);
  const std::string base_hash = util::hash_model_dir(c.base), forget_hash = hash_paths(c.forget);

  // Stage 1: the reinforced model.
  fs::path reinforced_dir = c.out / "reinforced";
  train::TokenBlocks forget_blocks(forget, block_length, c.seed);
  auto reinforce_options = trainer_options(c, reinforced_dir / "run");
  reinforce_options.steps = steps_for_epochs(c.reinforce_epochs, forget_blocks.block_count(), reinforce_options);
  reinforce_options.lr = c.reinforce_lr > 0 ? c.reinforce_lr : scaled_lr(kPaperReinforceLr, parameters);
  StageRecord reinforce_stage(reinforced_dir, {{"base", base_hash}, {"forget", forget_hash},
                                               {"steps", reinforce_options.steps}, {"lr", reinforce_options.lr},
                                               {"block_length", block_length}, {"seed", c.seed}});
  if (reinforce_stage.done()) {
    fmt::print(stderr, "stage 1 (reinforce): done before, kept\n");
  } else {
    fmt::print(stderr, "stage 1 (reinforce): {} steps at lr {:.2e}\n", reinforce_options.steps, reinforce_options.lr);
    reinforce_stage.begin();
    auto model = model::load_causal_lm(c.base, device, torch::kFloat);
    if (reinforce(model, forget_blocks, reinforce_options) == train::TrainStatus::interrupted)
      return PipelineStatus::interrupted;
    model::save_model(model, reinforced_dir, model::parse_dtype(c.save_dtype), c.base);
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
      fmt::print(stderr, "stage 3 (labels): recomputing: {}\n", e.what());
    }
  }
  if (labels_ready) {
    fmt::print(stderr, "stage 3 (labels): done before, kept\n");
  } else {
    auto dictionary = read_anchor_dictionary(c.dictionary);
    if (c.paper_rules) dictionary = apply_paper_rules(dictionary);
    TermMatcher matcher(*tok, dictionary);
    auto reinforced = model::load_causal_lm(reinforced_dir, device, torch::kFloat);
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
  StageRecord finetune_stage(unlearned_dir, {{"base", base_hash}, {"labels", util::hash_files({labels_path})},
                                             {"steps", finetune_options.steps}, {"lr", finetune_options.lr},
                                             {"soft", c.soft}, {"retain_weight", c.retain_weight},
                                             {"retain", c.retain.empty() ? "" : hash_paths(c.retain)},
                                             {"seed", c.seed}});
  if (finetune_stage.done()) {
    fmt::print(stderr, "stage 4 (fine-tune): done before, kept\n");
    return PipelineStatus::finished;
  }
  fmt::print(stderr, "stage 4 (fine-tune): {} steps at lr {:.2e}\n", finetune_options.steps, finetune_options.lr);
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
  auto model = model::load_causal_lm(c.base, device, torch::kFloat);
  if (finetune_on_labels(model, labels, loss, finetune_options, c.seed, c.retain_weight > 0 ? base : nullptr, retain) ==
      train::TrainStatus::interrupted)
    return PipelineStatus::interrupted;
  model::save_model(model, unlearned_dir, model::parse_dtype(c.save_dtype), c.base);
  finetune_stage.finish();
  return PipelineStatus::finished;
}

}  // namespace lethe::unlearn
