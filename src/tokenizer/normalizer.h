#pragma once
// tokenizer.json's normalizer, its steps in order: NFC (Qwen2), and the two that SentencePiece-style
// files (Llama 2, TinyLlama) use to mark spaces, Prepend ("▁" before non-empty text) and Replace
// (" " by "▁"); anything else is refused at load rather than silently ignored.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tokenizer/json_field.h"
#include "tokenizer/regex.h"

namespace lethe::tokenizer {

class Normalizer {
 public:
  // No field (null): text is left as it is.
  static Normalizer from_json(const std::optional<JsonField>& field);

  std::string apply(std::string_view text) const;

 private:
  struct Nfc {};
  struct Prepend {
    std::string prefix;
  };
  struct Replace {
    Regex pattern;
    std::string content;
  };
  using Step = std::variant<Nfc, Prepend, Replace>;

  void add(const JsonField& field);

  std::vector<Step> steps_;
};

}  // namespace lethe::tokenizer
