#include "tokenizer/normalizer.h"

#include <fmt/format.h>

#include "tokenizer/unicode.h"

namespace lethe::tokenizer {

Normalizer Normalizer::from_json(const std::optional<JsonField>& field) {
  Normalizer normalizer;
  if (field) normalizer.add(*field);
  return normalizer;
}

void Normalizer::add(const JsonField& field) {
  std::string type = field.type_name();
  if (type == "NFC") {
    nfc_ = true;
  } else if (type == "Sequence") {
    JsonField steps = field["normalizers"];
    for (std::size_t i = 0; i < steps.size(); ++i) add(steps.at(i));
  } else {
    field.fail(fmt::format("unsupported normalizer {}", type));
  }
}

std::string Normalizer::apply(std::string_view text) const {
  return nfc_ ? unicode::nfc(text) : std::string(text);
}

}  // namespace lethe::tokenizer
