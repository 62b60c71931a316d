// lethe tokenizer train: a SentencePiece vocabulary trained on text files, written as a tokenizer
// directory for `lethe pretrain --tokenizer` (see tokenizer/sentencepiece_training.h).
#include <fmt/core.h>

#include <chrono>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "tokenizer/sentencepiece_training.h"
#include "tokenizer/tokenizer.h"

namespace lethe::cli {
namespace {

struct TokenizerTrainOptions {
  std::vector<std::string> inputs;
  std::string out_dir;
  bool no_byte_fallback = false;
  tokenizer::SentencePieceTrainOptions train;
};

void run_tokenizer_train(TokenizerTrainOptions o) {
  auto start = std::chrono::steady_clock::now();
  o.train.inputs.assign(o.inputs.begin(), o.inputs.end());
  o.train.byte_fallback = !o.no_byte_fallback;
  tokenizer::train_sentencepiece_model(o.train, o.out_dir);
  std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  auto tok = tokenizer::load_tokenizer(o.out_dir);  // what pretrain will read, read back once
  fmt::print("{} vocabulary of {} pieces trained in {:.1f} s: {}\n", o.train.model_type, tok->vocab_size(),
             seconds.count(), (std::filesystem::path(o.out_dir) / "tokenizer.model").string());
}

}  // namespace

void register_tokenizer(CLI::App& app) {
  auto* tokenizer = app.add_subcommand("tokenizer", "Tokenizer tools (train)");
  tokenizer->require_subcommand(1);
  auto o = std::make_shared<TokenizerTrainOptions>();
  auto& t = o->train;
  auto* cmd = tokenizer->add_subcommand(
      "train", "Train a SentencePiece vocabulary (Llama 2's recipe; ids: <unk> 0, <s> 1, </s> 2) on text files");
  cmd->add_option("--input", o->inputs, "training text file, one sentence per line (repeatable)")->required();
  cmd->add_option("--vocab-size", t.vocab_size, "pieces in all, counting <unk> <s> </s>, user symbols and the "
                                                "256 byte pieces")
      ->required()
      ->check(follows(util::at_least(1)));
  cmd->add_option("--out", o->out_dir, "output directory: tokenizer.model and tokenizer_config.json")->required();
  cmd->add_option("--model-type", t.model_type, "bpe or unigram")
      ->check(CLI::IsMember({"bpe", "unigram"}))
      ->capture_default_str();
  cmd->add_option("--character-coverage", t.character_coverage,
                  "share of the text's characters that get pieces; the rarest are spelt in bytes")
      ->check(follows(util::fraction()))->capture_default_str();
  cmd->add_flag("--no-byte-fallback", o->no_byte_fallback, "rare characters become <unk> instead of byte pieces");
  cmd->add_option("--user-symbol", t.user_symbols, "a piece never split, e.g. '<|user|>' (repeatable)");
  cmd->callback([o] { run_tokenizer_train(*o); });
}

}  // namespace lethe::cli
