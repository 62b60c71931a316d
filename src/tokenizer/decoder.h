#pragma once
// tokenizer.json's decoder: the tokens' texts back to text, as Hugging Face's decoders chain
// them, each step turning the list of token texts into another. Supported: ByteLevel (GPT-2's
// alphabet back to bytes), and the SentencePiece-style steps Replace ("▁" to " "), ByteFallback
// (<0xXX> tokens to their bytes), Fuse, Strip and Metaspace, and Sequence of them.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tokenizer/json_field.h"
#include "tokenizer/regex.h"

namespace lethe::tokenizer {

class Decoder {
 public:
  // No field (null): the tokens joined with spaces, as Hugging Face does without a decoder.
  static Decoder from_json(const std::optional<JsonField>& field);

  // ByteLevel gives raw bytes (a prefix of a text may end inside a character); the other steps
  // give text, with U+FFFD for each byte of an incomplete <0xXX> sequence.
  std::string decode(std::vector<std::string> tokens) const;

 private:
  struct ByteLevel {};
  struct Replace {
    Regex pattern;
    std::string content;
  };
  struct ByteFallback {};
  struct Fuse {};
  struct Strip {
    std::string content;  // one character
    std::size_t start, stop;
  };
  struct Metaspace {
    std::string replacement;
    bool strip_first;  // the first token's replacement is the prepended one, not a space
  };
  using Step = std::variant<ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace>;

  void add(const JsonField& field);
  static std::vector<std::string> apply(const ByteLevel&, std::vector<std::string> tokens);
  static std::vector<std::string> apply(const Replace& replace, std::vector<std::string> tokens);
  static std::vector<std::string> apply(const ByteFallback&, std::vector<std::string> tokens);
  static std::vector<std::string> apply(const Fuse&, std::vector<std::string> tokens);
  static std::vector<std::string> apply(const Strip& strip, std::vector<std::string> tokens);
  static std::vector<std::string> apply(const Metaspace& metaspace, std::vector<std::string> tokens);

  std::vector<Step> steps_;
  bool join_with_spaces_ = false;
};

}  // namespace lethe::tokenizer
