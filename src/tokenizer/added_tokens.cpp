#include "tokenizer/added_tokens.h"

#include <algorithm>

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace lethe::tokenizer {
namespace {

// The character that ends text[0, end) (text is valid UTF-8, end a character boundary).
char32_t character_before(std::string_view text, std::size_t end) {
  std::size_t begin = end - 1;
  while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
  char32_t code_point = 0;
  utf8::decode(text, begin, code_point);
  return code_point;
}

char32_t character_at(std::string_view text, std::size_t pos) {
  char32_t code_point = 0;
  utf8::decode(text, pos, code_point);
  return code_point;
}

// Start of the run of white space that ends at end.
std::size_t white_space_start(std::string_view text, std::size_t end) {
  while (end > 0 && unicode::is_white_space(character_before(text, end))) {
    --end;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  return end;
}

// End of the run of white space that starts at begin.
std::size_t white_space_end(std::string_view text, std::size_t begin) {
  char32_t code_point = 0;
  while (begin < text.size()) {
    std::size_t length = utf8::decode(text, begin, code_point);
    if (length == 0 || !unicode::is_white_space(code_point)) break;
    begin += length;
  }
  return begin;
}

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  for (std::size_t i = 0; i < tokens_.size(); ++i)
    if (!tokens_[i].vocabulary_form.empty())
      by_first_byte_[static_cast<unsigned char>(tokens_[i].vocabulary_form[0])].push_back(i);
  // Longest first, and for equal forms the one given first, as Aho-Corasick leftmost-longest.
  const auto longer = [&](std::size_t a, std::size_t b) {
    return tokens_[a].vocabulary_form.size() > tokens_[b].vocabulary_form.size();
  };
  for (auto& candidates : by_first_byte_) std::stable_sort(candidates.begin(), candidates.end(), longer);
}

std::optional<AddedTokenMatcher::Found> AddedTokenMatcher::find_from(std::string_view text, std::size_t pos) const {
  for (; pos < text.size(); ++pos) {
    for (std::size_t i : by_first_byte_[static_cast<unsigned char>(text[pos])]) {
      const std::string& form = tokens_[i].vocabulary_form;
      if (text.compare(pos, form.size(), form) == 0) return Found{pos, pos + form.size(), &tokens_[i]};
    }
  }
  return std::nullopt;
}

bool AddedTokenMatcher::is_single_word(std::string_view text, const Found& found) {
  bool word_before = found.begin > 0 && unicode::is_word_character(character_before(text, found.begin));
  bool word_after = found.end < text.size() && unicode::is_word_character(character_at(text, found.end));
  return !word_before && !word_after;
}

std::vector<Segment> AddedTokenMatcher::split(std::string_view text) const {
  std::vector<Segment> segments;
  std::size_t done = 0;  // text before this is in segments
  std::size_t pos = 0;   // where the next search starts
  while (std::optional<Found> found = find_from(text, pos)) {
    pos = found->end;  // a discarded match is not searched again, as in Hugging Face
    const AddedToken& token = *found->token;
    // A match inside white space a previous token's rstrip took (a token starting with white
    // space) cannot become a segment; Hugging Face would emit overlapping pieces here.
    if (found->begin < done) continue;
    if (token.single_word && !is_single_word(text, *found)) continue;
    std::size_t begin = token.lstrip ? std::max(white_space_start(text, found->begin), done) : found->begin;
    std::size_t end = token.rstrip ? white_space_end(text, found->end) : found->end;
    if (begin > done) segments.push_back({std::string(text.substr(done, begin - done)), std::nullopt});
    segments.push_back({std::string(text.substr(begin, end - begin)), token.id});
    done = end;
  }
  if (done < text.size()) segments.push_back({std::string(text.substr(done)), std::nullopt});
  return segments;
}

}  // namespace lethe::tokenizer
