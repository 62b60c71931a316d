#include "tokenizer/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include <stdexcept>

#include "tokenizer/utf8.h"
#include "util/error.h"

namespace lethe::tokenizer {

struct Regex::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

namespace {

std::string pcre2_message(int error_code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(error_code, buffer, sizeof buffer);
  return reinterpret_cast<const char*>(buffer);
}

struct MatchData {
  pcre2_match_data* data;
  explicit MatchData(const pcre2_code* code) : data(pcre2_match_data_create_from_pattern(code, nullptr)) {
    if (data == nullptr) throw std::bad_alloc();
  }
  ~MatchData() { pcre2_match_data_free(data); }
  MatchData(const MatchData&) = delete;
  MatchData& operator=(const MatchData&) = delete;
};

std::size_t next_character_length(std::string_view text, std::size_t pos) {
  char32_t code_point;
  std::size_t length = utf8::decode(text, pos, code_point);
  return length == 0 ? 1 : length;
}

}  // namespace

std::string with_oniguruma_white_space(std::string_view pattern) {
  std::string out;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      char escaped = pattern[++i];
      if (escaped == 's') {
        out += in_class ? "\\s\\x{85}" : "[\\s\\x{85}]";
      } else if (escaped == 'S' && !in_class) {
        out += "[^\\s\\x{85}]";
      } else {
        out += c;
        out += escaped;
      }
      continue;
    }
    if (c == '[' && !in_class) {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c == ']' && in_class) in_class = false;
    out += c;
  }
  return out;
}

Regex::Regex(std::string_view pattern) : Regex(pattern, false) {}

Regex Regex::literal(std::string_view text) { return Regex(text, true); }

Regex::Regex(std::string_view pattern, bool literal) {
  std::string source = literal ? std::string(pattern) : with_oniguruma_white_space(pattern);
  // PCRE2_LITERAL refuses PCRE2_UCP (which only matters to \w, \d and the like anyway).
  uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  auto code = std::make_shared<Code>();
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), options, &error_code,
                             &error_offset, nullptr);
  if (code->code == nullptr)
    throw std::invalid_argument(fmt::format("invalid regex: {} at offset {}", pcre2_message(error_code), error_offset));
  pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);  // the interpreter runs it if JIT is unavailable
  code_ = std::move(code);
}

std::vector<Match> Regex::find_all(std::string_view text) const {
  MatchData match(code_->code);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::vector<Match> matches;
  uint32_t options = 0;  // the first call checks the UTF-8 of the whole text, later ones need not
  for (std::size_t pos = 0; pos < text.size();) {
    int rc = pcre2_match(code_->code, subject, text.size(), pos, options, match.data, nullptr);
    options = PCRE2_NO_UTF_CHECK;
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) throw Error("regex match failed: " + pcre2_message(rc));
    const PCRE2_SIZE* offsets = pcre2_get_ovector_pointer(match.data);
    if (offsets[1] > offsets[0]) {
      matches.push_back({offsets[0], offsets[1]});
      pos = offsets[1];
    } else {
      pos = offsets[0] + next_character_length(text, offsets[0]);  // skip an empty match
    }
  }
  return matches;
}

}  // namespace lethe::tokenizer
