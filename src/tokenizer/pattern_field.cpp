#include "tokenizer/pattern_field.h"

#include <stdexcept>

namespace lethe::tokenizer {

Regex pattern_from_json(const JsonField& pattern) {
  pattern.expect_object();
  try {
    if (std::optional<JsonField> regex = pattern.find("Regex")) return Regex(regex->as_string());
    if (std::optional<JsonField> literal = pattern.find("String")) return Regex::literal(literal->as_string());
  } catch (const std::invalid_argument& e) {
    pattern.fail(e.what());
  }
  pattern.fail("expected {\"Regex\": ...} or {\"String\": ...}");
}

std::string replace_all(const Regex& pattern, std::string_view text, std::string_view content) {
  std::string out;
  std::size_t previous_end = 0;
  for (const Match& match : pattern.find_all(text)) {
    out.append(text.substr(previous_end, match.begin - previous_end));
    out.append(content);
    previous_end = match.end;
  }
  out.append(text.substr(previous_end));
  return out;
}

}  // namespace lethe::tokenizer
