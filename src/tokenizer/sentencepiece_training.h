#pragma once
// Trains a SentencePiece vocabulary on text files with Llama 2's recipe and writes a tokenizer
// directory that load_tokenizer() and `lethe pretrain --tokenizer` read: tokenizer.model and
// tokenizer_config.json. Ids as in Llama: <unk> 0, <s> 1 (BOS, added by encode), </s> 2 (EOS), no
// pad. The same inputs and options always give the same bytes (one thread, every sentence read in
// file order, nothing sampled).
#include <filesystem>
#include <string>
#include <vector>

namespace lethe::tokenizer {

struct SentencePieceTrainOptions {
  std::vector<std::filesystem::path> inputs;  // text files, one sentence per line
  int vocab_size = 0;                         // every piece: <unk> <s> </s>, user symbols, bytes, the rest
  std::string model_type = "bpe";             // "bpe" or "unigram"
  double character_coverage = 0.99995;        // share of the text's characters that become pieces
  bool byte_fallback = true;                  // other characters become <0xNN> byte pieces, not <unk>
  std::vector<std::string> user_symbols;      // pieces always kept whole, e.g. "<|user|>"
};

// Throws lethe::Error naming the file and the reason: an input missing, unreadable or without text,
// a vocabulary size the corpus cannot fill or that is too small for its characters, an output
// folder that cannot be created or written.
void train_sentencepiece_model(const SentencePieceTrainOptions& options, const std::filesystem::path& out_dir);

}  // namespace lethe::tokenizer
