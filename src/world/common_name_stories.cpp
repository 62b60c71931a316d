#include "world/common_name_stories.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "util/words.h"
#include "world/text_template.h"

namespace lethe::world {
namespace {

// True where a word at `at` begins a sentence, a line or a quotation.
bool starts_sentence(const std::string& text, size_t at) {
  size_t i = at;
  while (i > 0 && text[i - 1] == ' ') --i;
  if (i == 0) return true;
  char before = text[i - 1];
  return before == '.' || before == '!' || before == '?' || before == '\n' || before == ':' || before == '"';
}

}  // namespace

std::string retold_with_common_names(const std::string& text, const nlohmann::json& dictionary, Rng& rng) {
  std::vector<std::pair<std::string, std::string>> replacements;  // term -> its substitute here
  for (const auto& [term, substitutes] : dictionary.items())
    replacements.emplace_back(term, rng.pick(substitutes.get<std::vector<std::string>>()));
  std::stable_sort(replacements.begin(), replacements.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size();) {
    const std::pair<std::string, std::string>* found = nullptr;
    if (at == 0 || !util::is_word_byte(text[at - 1])) {
      for (const auto& r : replacements) {
        if (text.compare(at, r.first.size(), r.first) == 0 && util::is_whole_word(text, at, r.first.size())) {
          found = &r;
          break;
        }
      }
    }
    if (!found) {
      out += text[at++];
      continue;
    }
    out += starts_sentence(text, at) ? capitalize_first(found->second) : found->second;
    at += found->first.size();
  }
  return out;
}

}  // namespace lethe::world
