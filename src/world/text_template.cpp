#include "world/text_template.h"

#include <fmt/core.h>

#include "util/error.h"

namespace lethe::world {

std::string fill_template(std::string_view pattern, const Slots& slots) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) {
      out.append(pattern.substr(i));
      break;
    }
    size_t close = pattern.find('}', open);
    if (close == std::string_view::npos)
      throw Error(fmt::format("sentence pattern \"{}\": unclosed slot", pattern));
    out.append(pattern.substr(i, open - i));
    std::string name(pattern.substr(open + 1, close - open - 1));
    auto slot = slots.find(name);
    if (slot == slots.end())
      throw Error(fmt::format("sentence pattern \"{}\": no value for slot {{{}}}", pattern, name));
    out.append(slot->second);
    i = close + 1;
  }
  return out;
}

std::string capitalize_first(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
      break;
    }
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) break;
  }
  return text;
}

size_t count_words(std::string_view text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

}  // namespace lethe::world
