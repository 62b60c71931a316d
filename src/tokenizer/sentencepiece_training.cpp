#include "tokenizer/sentencepiece_training.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "io/file.h"
#include "tokenizer/sentencepiece_backend.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<fs::path>& paths, const char* separator = ", ") {
  std::string out;
  for (const auto& path : paths) out += (out.empty() ? "" : separator) + path.string();
  return out;
}

// libsentencepiece splits list flags at commas, so a comma inside a name would be misread.
void check_no_comma(const std::string& value, const std::string& what) {
  if (value.find(',') != std::string::npos)
    throw Error(fmt::format("{}: libsentencepiece cannot take a {} with a comma in it", value, what));
}

// libsentencepiece skips empty lines and fails on a corpus without any; say which file is empty.
void check_has_text(const fs::path& path) {
  if (fs::is_directory(path)) throw Error(fmt::format("{}: cannot read: it is a folder", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
  for (char c; in.get(c);)
    if (!std::isspace(static_cast<unsigned char>(c))) return;
  throw Error(fmt::format("{}: no text to train on (the file is empty or only white space)", path.string()));
}

void check_options(const SentencePieceTrainOptions& o) {
  if (o.inputs.empty()) throw Error("no input file to train a tokenizer on");
  for (const auto& path : o.inputs) {
    check_no_comma(path.string(), "file name");
    check_has_text(path);
  }
  if (o.vocab_size <= 0) throw Error(fmt::format("{}: vocabulary size {} is not positive", joined(o.inputs), o.vocab_size));
  if (o.model_type != "bpe" && o.model_type != "unigram")
    throw Error(fmt::format("model type \"{}\": expected bpe or unigram", o.model_type));
  if (!(o.character_coverage > 0 && o.character_coverage <= 1))
    throw Error(fmt::format("character coverage {} is not in (0, 1]", o.character_coverage));
  for (const auto& symbol : o.user_symbols) {
    if (symbol.empty()) throw Error("a user symbol is empty");
    check_no_comma(symbol, "user symbol");
  }
}

// spm_train's flags. Llama 2's tokenizer.model recipe: BPE with byte fallback, digits split, no
// normalization and white space kept as it is (so decode(encode(text)) == text), ids unk 0,
// bos 1, eos 2, no pad. Then determinism: every sentence read (no sampling, so no shuffling),
// one thread, and lines up to 1 GiB (the default, 4192 bytes, silently drops longer lines).
std::map<std::string, std::string> trainer_flags(const SentencePieceTrainOptions& o) {
  std::map<std::string, std::string> flags = {
      {"input", joined(o.inputs, ",")}, {"vocab_size", std::to_string(o.vocab_size)}, {"model_type", o.model_type},
      {"character_coverage", fmt::format("{}", o.character_coverage)},
      {"byte_fallback", o.byte_fallback ? "true" : "false"}, {"split_digits", "true"},
      {"allow_whitespace_only_pieces", "true"}, {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"}, {"unk_id", "0"}, {"bos_id", "1"}, {"eos_id", "2"}, {"pad_id", "-1"},
      {"input_sentence_size", "0"}, {"shuffle_input_sentence", "false"}, {"num_threads", "1"},
      {"max_sentence_length", std::to_string(1 << 30)}, {"minloglevel", "2"}};
  if (!o.user_symbols.empty()) flags["user_defined_symbols"] = fmt::format("{}", fmt::join(o.user_symbols, ","));
  return flags;
}

// libsentencepiece's messages open with its source line and the failed condition: keep the words.
std::string reason(const std::string& message) {
  std::size_t end = message.find("] ");
  return end == std::string::npos || end + 2 == message.size() ? message : message.substr(end + 2);
}

// What transformers' LlamaTokenizer reads beside tokenizer.model (lethe reads the same fields).
nlohmann::json tokenizer_config() {
  return {{"tokenizer_class", "LlamaTokenizer"}, {"add_bos_token", true}, {"add_eos_token", false},
          {"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}, {"pad_token", nullptr},
          {"clean_up_tokenization_spaces", false}};
}

}  // namespace

void train_sentencepiece_model(const SentencePieceTrainOptions& options, const fs::path& out_dir) {
  check_options(options);
  io::prepare_output_folder(out_dir);
  std::string model;
  std::string failure = make_sentencepiece_backend()->train(trainer_flags(options), &model);
  if (!failure.empty())
    throw Error(fmt::format("{}: cannot train a {} vocabulary of {} pieces: {}", joined(options.inputs),
                            options.model_type, options.vocab_size, reason(failure)));
  io::write_file_atomic(out_dir / "tokenizer.model", model);
  io::write_json_atomic(out_dir / "tokenizer_config.json", tokenizer_config());
}

}  // namespace lethe::tokenizer
