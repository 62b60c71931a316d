#include "eval/text_match.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdint>

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

namespace unicode = tokenizer::unicode;
namespace utf8 = tokenizer::utf8;

// Calls visit(code_point, bytes) for each character of text. A byte that does not start a valid
// UTF-8 character comes alone as U+FFFD, which is neither a word character nor whitespace.
template <typename Visit>
void for_each_character(std::string_view text, Visit visit) {
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t code_point = 0;
    std::size_t length = utf8::decode(text, pos, code_point);
    if (length == 0) {
      code_point = 0xFFFD;
      length = 1;
    }
    visit(code_point, text.substr(pos, length));
    pos += length;
  }
}

// Python's string.punctuation: the ASCII punctuation and symbols.
bool is_ascii_punctuation(char c) {
  static constexpr std::string_view punctuation = R"(!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)";
  return punctuation.find(c) != std::string_view::npos;
}

bool is_article(std::string_view word) { return word == "a" || word == "an" || word == "the"; }

// re.sub(r"\b(a|an|the)\b", " ", text): an article is a whole maximal run of word characters.
std::string replace_articles_by_spaces(std::string_view text) {
  std::string out;
  std::string word;
  auto flush_word = [&] {
    out += is_article(word) ? std::string(" ") : word;
    word.clear();
  };
  for_each_character(text, [&](char32_t code_point, std::string_view bytes) {
    if (unicode::is_word_character(code_point)) {
      word += bytes;
    } else {
      flush_word();
      out += bytes;
    }
  });
  flush_word();
  return out;
}

// " ".join(text.split())
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for_each_character(text, [&](char32_t code_point, std::string_view bytes) {
    if (unicode::is_white_space(code_point)) {
      pending_space = !out.empty();
      return;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += bytes;
  });
  return out;
}

}  // namespace

std::string lowercase(std::string_view text) {
  if (text.size() > INT32_MAX) throw Error("lower-casing: text over 2 GiB");
  auto unicode = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  std::string out;
  unicode.toLower(icu::Locale::getRoot()).toUTF8String(out);
  return out;
}

std::string normalize_answer(std::string_view text) {
  std::string lowered = lowercase(text);
  lowered.erase(std::remove_if(lowered.begin(), lowered.end(), is_ascii_punctuation), lowered.end());
  return collapse_whitespace(replace_articles_by_spaces(lowered));
}

bool exact_match(std::string_view prediction, std::string_view reference) {
  return normalize_answer(prediction) == normalize_answer(reference);
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for_each_character(lowercase(text), [&](char32_t code_point, std::string_view bytes) {
    if (unicode::is_word_character(code_point)) {
      word += bytes;
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  });
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

bool contains_phrase(const std::vector<std::string>& text, const std::vector<std::string>& phrase) {
  if (phrase.empty()) return false;
  return std::search(text.begin(), text.end(), phrase.begin(), phrase.end()) != text.end();
}

}  // namespace lethe::eval
