#include "unlearn/word_scan.h"

#include <cctype>
#include <string_view>

#include "util/words.h"

namespace lethe::unlearn {

bool is_capitalised(const std::string& w) { return !w.empty() && std::isupper(static_cast<unsigned char>(w[0])); }

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<Word> scan_words(const std::string& text) {
  std::vector<Word> words;
  size_t i = 0;
  bool sentence_start = true;
  size_t previous_end = std::string::npos;
  while (i < text.size()) {
    if (!util::is_word_byte(text[i])) {
      if (std::string_view(".!?:;\"\n").find(text[i]) != std::string_view::npos) sentence_start = true;
      ++i;
      continue;
    }
    size_t begin = i;
    while (i < text.size() && util::is_word_byte(text[i])) ++i;
    bool after_space = previous_end != std::string::npos && begin == previous_end + 1 && text[previous_end] == ' ';
    words.push_back({text.substr(begin, i - begin), begin, sentence_start, after_space});
    sentence_start = false;
    previous_end = i;
  }
  return words;
}

std::unordered_map<std::string, std::vector<size_t>> index_words(const std::vector<Word>& words) {
  std::unordered_map<std::string, std::vector<size_t>> index;
  for (size_t i = 0; i < words.size(); ++i) index[words[i].text].push_back(i);
  return index;
}

}  // namespace lethe::unlearn
