// lethe labels: stage 3 of the method, the generic labels of the forget corpus, streamed to a
// label file whose header records what made them.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/label_stage.h"
#include "util/content_hash.h"
#include "util/progress.h"

namespace lethe::cli {
namespace {

struct LabelsCliOptions {
  std::string base_dir, reinforced_dir, dictionary, out;
  std::vector<std::string> forget_files;
  bool paper_rules = true;
  unlearn::LabelOptions labels;
  RuntimeOptions runtime;
};

nlohmann::json provenance(const LabelsCliOptions& o) {
  std::vector<std::filesystem::path> corpus(o.forget_files.begin(), o.forget_files.end());
  return {{"base", util::hash_model_dir(o.base_dir)},
          {"reinforced", util::hash_model_dir(o.reinforced_dir)},
          {"corpus", util::hash_files(corpus)},
          {"dictionary", util::hash_files({o.dictionary})},
          {"paper_rules", o.paper_rules},
          {"block_length", o.labels.block_length},
          {"alphas", o.labels.alphas},
          {"translations", o.labels.translations},
          {"soft_top_k", o.labels.soft_top_k},
          {"temperature", o.labels.temperature},
          {"seed", o.labels.seed}};
}

void run_labels(LabelsCliOptions o) {
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  auto dtype = o.runtime.resolve_dtype(device);
  auto tok = tokenizer::load_tokenizer(o.base_dir);
  auto base = model::load_causal_lm(o.base_dir, device, dtype);
  auto reinforced = model::load_causal_lm(o.reinforced_dir, device, dtype);
  auto dictionary = unlearn::read_anchor_dictionary(o.dictionary);
  if (o.paper_rules) dictionary = unlearn::apply_paper_rules(dictionary);
  unlearn::TermMatcher matcher(*tok, dictionary);
  auto corpus = train::token_stream(*tok, o.forget_files);
  o.labels.block_length = std::min(o.labels.block_length, base->config().max_position_embeddings);
  util::Progress progress("labels", static_cast<int64_t>(corpus.size()) / o.labels.block_length, "blocks");
  auto blocks = unlearn::write_generic_labels(base, reinforced, matcher, corpus, o.labels, provenance(o), o.out,
                                              [&](int64_t n) { progress.advance(n); });
  progress.finish();
  fmt::print("{} blocks of generic labels ({} terms in the dictionary) written to {}\n", blocks, dictionary.size(), o.out);
}

}  // namespace

void register_labels(CLI::App& app) {
  auto o = std::make_shared<LabelsCliOptions>();
  auto& l = o->labels;
  auto* cmd = app.add_subcommand("labels", "Stage 3: generic labels of the forget corpus");
  cmd->add_option("--base", o->base_dir, "baseline model directory")->required();
  cmd->add_option("--reinforced", o->reinforced_dir, "reinforced model directory (lethe reinforce)")->required();
  cmd->add_option("--forget", o->forget_files, "forget corpus text file (repeatable)")->required();
  cmd->add_option("--dictionary", o->dictionary, "anchored terms: JSON term -> [substitutes]")->required();
  cmd->add_option("--out", o->out, "label file to write")->required();
  cmd->add_option("--block-length", l.block_length, "tokens per block")->capture_default_str();
  cmd->add_option("--alpha", l.alphas, "alpha of v = T - alpha ReLU(P - T) (repeat for several label sets)")
      ->capture_default_str();
  cmd->add_option("--translations", l.translations, "translations per block, their v averaged")->capture_default_str();
  cmd->add_option("--soft-top-k", l.soft_top_k, "also store the top k of softmax(v / T) (0: hard labels only)")
      ->capture_default_str();
  cmd->add_option("--temperature", l.temperature, "T of the soft targets")->capture_default_str();
  cmd->add_option("--batch-size", l.batch_size, "blocks per forward pass")->capture_default_str();
  cmd->add_option("--seed", l.seed, "seed of the substitute draws")->capture_default_str();
  cmd->add_flag("!--no-paper-rules", o->paper_rules, "keep multi-word and possessive terms the paper drops");
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_labels(*o); });
}

}  // namespace lethe::cli
