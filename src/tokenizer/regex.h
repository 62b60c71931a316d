#pragma once
// The regular expressions of tokenizer.json pre-tokenizers, run with PCRE2 (UTF + Unicode
// properties). Hugging Face runs them with Oniguruma; the one difference that matters for these
// patterns, \s also matching U+0085 there, is bridged by rewriting the pattern.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::tokenizer {

struct Match {
  std::size_t begin;
  std::size_t end;
};

class Regex {
 public:
  // Throws std::invalid_argument with PCRE2's message if the pattern does not compile.
  explicit Regex(std::string_view pattern);
  // A pattern that matches text literally.
  static Regex literal(std::string_view text);

  // Successive non-empty, non-overlapping matches in valid UTF-8 text, leftmost first.
  std::vector<Match> find_all(std::string_view text) const;

 private:
  struct Code;
  Regex(std::string_view pattern, bool literal);
  std::shared_ptr<const Code> code_;
};

// pattern with every \s and \S outside a character class (and \s inside one) widened to U+0085.
std::string with_oniguruma_white_space(std::string_view pattern);

}  // namespace lethe::tokenizer
