#pragma once
// The words of a corpus with what the dictionary miner needs about each: where it is, whether it
// starts a sentence, whether one plain space separates it from the word before.
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace lethe::unlearn {

struct Word {
  std::string text;
  size_t offset = 0;
  bool sentence_start = false;  // first word of the text, or after . ! ? : ; a quote or a line break
  bool after_space = false;     // one space, and nothing else, since the previous word
};

std::vector<Word> scan_words(const std::string& text);

// Where each word stands: word -> its indices in `words`, in order.
std::unordered_map<std::string, std::vector<size_t>> index_words(const std::vector<Word>& words);

bool is_capitalised(const std::string& word);
std::string lowercase(std::string text);  // ASCII letters only

}  // namespace lethe::unlearn
