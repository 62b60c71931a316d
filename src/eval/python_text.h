#pragma once
// The Python str methods that lm-evaluation-harness's task definitions apply to documents, so that
// lethe builds the same contexts and choices: strip, lstrip, rstrip, capitalize. Text is UTF-8.
#include <string>
#include <string_view>

namespace lethe::eval::python {

// Python's whitespace (str.isspace): Unicode White_Space and the separators U+001C to U+001F.
bool is_space(char32_t code_point);

std::string_view lstrip(std::string_view text);
std::string_view rstrip(std::string_view text);
std::string_view strip(std::string_view text);

// str.capitalize: the first character in title case, the rest in lower case (ICU's simple title
// mapping of one character, its full lower-case mapping of the rest, final sigma included).
std::string capitalize(std::string_view text);

}  // namespace lethe::eval::python
