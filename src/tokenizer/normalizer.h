#pragma once
// tokenizer.json's normalizer. Byte-level BPE files use none, or NFC (Qwen2); anything else is
// refused at load rather than silently ignored.
#include <optional>
#include <string>
#include <string_view>

#include "tokenizer/json_field.h"

namespace lethe::tokenizer {

class Normalizer {
 public:
  // No field (null): text is left as it is.
  static Normalizer from_json(const std::optional<JsonField>& field);

  std::string apply(std::string_view text) const;

 private:
  void add(const JsonField& field);

  bool nfc_ = false;  // NFC is idempotent, so any number of NFC steps is one
};

}  // namespace lethe::tokenizer
