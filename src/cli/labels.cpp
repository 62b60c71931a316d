// lethe labels: stage 3 of the method, the generic labels of the forget corpus, streamed to a
// label file whose header records what made them.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "cli/runtime.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/text_stream.h"
#include "train/trainer.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/label_stage.h"
#include "util/content_hash.h"
#include "util/error.h"

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
  return unlearn::label_provenance({util::hash_model_dir(o.base_dir), util::hash_model_dir(o.reinforced_dir),
                                    util::hash_files(corpus), util::hash_files({o.dictionary})},
                                   o.paper_rules, o.labels);
}

void run_labels(LabelsCliOptions o) {
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  auto dtype = o.runtime.resolve_dtype(device);
  io::prepare_output_file(o.out);
  auto tok = tokenizer::load_tokenizer(o.base_dir);
  if (!tokenizer::same_vocabulary(*tok, *tokenizer::load_tokenizer(o.reinforced_dir)))
    throw Error(fmt::format("--reinforced {}: its tokenizer differs from the base's ({}); the labels compare the "
                            "two models token by token and need one vocabulary",
                            o.reinforced_dir, o.base_dir));
  if (o.labels.soft_top_k > tok->vocab_size())
    throw Error(fmt::format("--soft-top-k {} is more than the vocabulary's {} tokens", o.labels.soft_top_k,
                            tok->vocab_size()));
  auto base = model::load_causal_lm(o.base_dir, device, dtype);
  auto reinforced = model::load_causal_lm(o.reinforced_dir, device, dtype);
  auto dictionary = unlearn::read_anchor_dictionary(o.dictionary);
  if (o.paper_rules) dictionary = unlearn::apply_paper_rules(dictionary);
  unlearn::TermMatcher matcher(*tok, dictionary);
  auto corpus = train::token_stream(*tok, o.forget_files);
  o.labels.block_length = std::min(o.labels.block_length, base->config().max_position_embeddings);
  train::install_interrupt_handler();
  auto result = unlearn::write_generic_labels(base, reinforced, matcher, corpus, o.labels, provenance(o), o.out, "labels");
  if (result.interrupted) {
    fmt::print(stderr, "interrupted: {} keeps the finished blocks; run the same command again to resume\n",
               io::PartialFile::partial_path(o.out).string());
    throw CLI::RuntimeError(130);
  }
  fmt::print("{} blocks of generic labels ({} terms in the dictionary) written to {}\n", result.blocks,
             dictionary.size(), o.out);
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
  using util::at_least;
  cmd->add_option("--block-length", l.block_length, "tokens per block")->check(follows(at_least(2)))
      ->capture_default_str();
  cmd->add_option("--alpha", l.alphas, "alpha of v = T - alpha ReLU(P - T) (repeat for several label sets)")
      ->check(follows(at_least(0)))->capture_default_str();
  cmd->add_option("--translations", l.translations, "translations per block, their v averaged")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--soft-top-k", l.soft_top_k, "also store the top k of softmax(v / T) (0: hard labels only)")
      ->check(follows(at_least(0)))->capture_default_str();
  cmd->add_option("--temperature", l.temperature, "T of the soft targets")->check(follows(util::above(0)))
      ->capture_default_str();
  cmd->add_option("--batch-size", l.batch_size, "blocks per forward pass")->check(follows(at_least(1)))
      ->capture_default_str();
  cmd->add_option("--seed", l.seed, "seed of the substitute draws")->capture_default_str();
  cmd->add_flag("!--no-paper-rules", o->paper_rules, "keep multi-word and possessive terms the paper drops");
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_labels(*o); });
}

}  // namespace lethe::cli
