#pragma once
// tokenizer.json's pre_tokenizer: cuts (normalised) text into the pieces the BPE model tokenizes
// one by one. Supported: ByteLevel, Split (Isolated / Contiguous), Digits, Metaspace (SentencePiece's
// "▁" for spaces), and Sequence of them.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tokenizer/json_field.h"
#include "tokenizer/regex.h"

namespace lethe::tokenizer {

class PreTokenizer {
 public:
  // No field (null): the whole text is one piece.
  static PreTokenizer from_json(const std::optional<JsonField>& field);

  // at_text_start: the text begins the input (no added token before it), where Metaspace's
  // prepend_scheme "first" puts its "▁".
  std::vector<std::string> split(std::string_view text, bool at_text_start = true) const;

 private:
  // How the matches of a Split pattern become pieces (Hugging Face's SplitDelimiterBehavior).
  enum class Behavior { kIsolated, kContiguous };
  struct Split {
    Regex pattern;
    Behavior behavior;
  };
  // Optionally a space in front, optionally GPT-2's regex split, then bytes -> alphabet characters.
  struct ByteLevel {
    bool add_prefix_space;
    bool use_regex;
  };
  // Spaces become `replacement`, which is also put in front (always, or at the text's start
  // only); with split, each piece starts at a replacement.
  struct Metaspace {
    std::string replacement;
    enum class Prepend { kAlways, kFirst, kNever } prepend;
    bool split;
  };
  using Step = std::variant<Split, ByteLevel, Metaspace>;

  void add_steps(const JsonField& field);
  static void apply(const Split& split, std::string_view piece, std::vector<std::string>& out);
  static void apply(const ByteLevel& byte_level, std::string_view piece, std::vector<std::string>& out);
  static void apply(const Metaspace& metaspace, std::string_view piece, bool at_text_start,
                    std::vector<std::string>& out);
  static Metaspace read_metaspace(const JsonField& field);

  std::vector<Step> steps_;
};

}  // namespace lethe::tokenizer
