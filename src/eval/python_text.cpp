#include "eval/python_text.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdint>

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"
#include "util/error.h"

namespace lethe::eval::python {
namespace {

// Byte offset just past the last non-space character.
std::size_t end_of_text(std::string_view text) {
  std::size_t end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t c = 0;
    std::size_t n = tokenizer::utf8::decode(text, pos, c);
    if (n == 0) throw Error("text is not valid UTF-8");
    pos += n;
    if (!is_space(c)) end = pos;
  }
  return end;
}

}  // namespace

bool is_space(char32_t c) { return (c >= 0x1C && c <= 0x1F) || tokenizer::unicode::is_white_space(c); }

std::string_view rstrip(std::string_view text) { return text.substr(0, end_of_text(text)); }

std::string_view lstrip(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    char32_t c = 0;
    std::size_t n = tokenizer::utf8::decode(text, begin, c);
    if (n == 0) throw Error("text is not valid UTF-8");
    if (!is_space(c)) break;
    begin += n;
  }
  return text.substr(begin);
}

std::string_view strip(std::string_view text) { return rstrip(lstrip(text)); }

std::string capitalize(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > INT32_MAX) throw Error("capitalize: text over 2 GiB");
  char32_t first = 0;
  std::size_t n = tokenizer::utf8::decode(text, 0, first);
  if (n == 0) throw Error("text is not valid UTF-8");
  std::string out;
  tokenizer::utf8::append(out, static_cast<char32_t>(u_totitle(static_cast<UChar32>(first))));
  auto rest = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data() + n, static_cast<int32_t>(text.size() - n)));
  rest.toLower(icu::Locale::getRoot()).toUTF8String(out);
  return out;
}

}  // namespace lethe::eval::python
