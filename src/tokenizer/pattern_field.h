#pragma once
// A pattern field of tokenizer.json, {"Regex": "..."} or {"String": "..."}, as the Split
// pre-tokenizer and the Replace normalizer and decoder write it.
#include <string>
#include <string_view>

#include "tokenizer/json_field.h"
#include "tokenizer/regex.h"

namespace lethe::tokenizer {

// Fails (naming the file and field) for anything else, or a regex that does not compile.
Regex pattern_from_json(const JsonField& pattern);

// text with every match of pattern replaced by `content`.
std::string replace_all(const Regex& pattern, std::string_view text, std::string_view content);

}  // namespace lethe::tokenizer
