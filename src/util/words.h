#pragma once
// Words of UTF-8 text: whole-word matching, shared by the dictionary miner and the world
// generator, and splitting at white space, shared by the dictionary and the term matcher.
#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::util {

// A byte of a word: an ASCII letter, or any byte of a multi-byte UTF-8 character (an accented
// letter, say), so that "Zoë" is one word.
inline bool is_word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || byte >= 0x80;
}

// Whether text[at, at + length) stands as a whole word: no word byte just before or just after.
inline bool is_whole_word(std::string_view text, std::size_t at, std::size_t length) {
  const std::size_t end = at + length;
  return (at == 0 || !is_word_byte(text[at - 1])) && (end >= text.size() || !is_word_byte(text[end]));
}

// The words of text as white space separates them ("the old  town" -> the, old, town).
inline std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace lethe::util
