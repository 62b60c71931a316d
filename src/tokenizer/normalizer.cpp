#include "tokenizer/normalizer.h"

#include <fmt/format.h>

#include "tokenizer/pattern_field.h"
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
    steps_.push_back(Nfc{});
  } else if (type == "Prepend") {
    steps_.push_back(Prepend{field["prepend"].as_string()});
  } else if (type == "Replace") {
    steps_.push_back(Replace{pattern_from_json(field["pattern"]), field["content"].as_string()});
  } else if (type == "Sequence") {
    JsonField steps = field["normalizers"];
    for (std::size_t i = 0; i < steps.size(); ++i) add(steps.at(i));
  } else {
    field.fail(fmt::format("unsupported normalizer {}", type));
  }
}

std::string Normalizer::apply(std::string_view text) const {
  std::string out(text);
  for (const Step& step : steps_) {
    if (std::holds_alternative<Nfc>(step)) {
      out = unicode::nfc(out);
    } else if (const auto* prepend = std::get_if<Prepend>(&step)) {
      if (!out.empty()) out = prepend->prefix + out;  // as Hugging Face: empty text stays empty
    } else {
      const auto& replace = std::get<Replace>(step);
      out = replace_all(replace.pattern, out, replace.content);
    }
  }
  return out;
}

}  // namespace lethe::tokenizer
