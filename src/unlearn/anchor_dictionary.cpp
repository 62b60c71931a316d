#include "unlearn/anchor_dictionary.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "io/file.h"
#include "unlearn/review_file.h"
#include "util/error.h"
#include "util/words.h"

namespace lethe::unlearn {
namespace {

std::string substitute_text(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) throw Error(where + ": substitutes must be strings");
  auto text = value.get<std::string>();
  if (text.empty()) throw Error(where + ": a substitute is empty");
  return text;
}

// What every entry must be, whichever file it came from.
void check_entry(const AnchorEntry& entry, const std::string& where) {
  if (entry.substitutes.empty()) throw Error(where + ": no substitutes");
  for (const auto& s : entry.substitutes)
    if (s == entry.term) throw Error(where + ": a substitute equals the term");
}

// A review file (review_file.h): its terms and substitutes.
AnchorDictionary read_review_dictionary(const std::filesystem::path& path) {
  AnchorDictionary dictionary;
  for (auto& row : read_review_file(path)) {
    dictionary.push_back({row.term, row.substitutes});
    check_entry(dictionary.back(), fmt::format("{}: term \"{}\"", path.string(), row.term));
  }
  return dictionary;
}

}  // namespace

AnchorDictionary read_anchor_dictionary(const std::filesystem::path& path) {
  if (path.extension() == ".tsv") return read_review_dictionary(path);
  auto json = io::read_json(path);
  if (!json.is_object())
    throw Error(fmt::format("{}: an anchored-term dictionary is a JSON object term -> [substitutes]", path.string()));
  AnchorDictionary dictionary;
  for (const auto& [term, value] : json.items()) {
    std::string where = fmt::format("{}: term \"{}\"", path.string(), term);
    if (util::words_of(term).empty()) throw Error(fmt::format("{}: a term is empty", path.string()));
    AnchorEntry entry{term, {}};
    if (value.is_array()) {
      for (const auto& s : value) entry.substitutes.push_back(substitute_text(s, where));
    } else {
      entry.substitutes.push_back(substitute_text(value, where));
    }
    check_entry(entry, where);
    dictionary.push_back(std::move(entry));
  }
  return dictionary;
}

AnchorDictionary apply_paper_rules(const AnchorDictionary& dictionary) {
  std::set<std::string> terms;
  for (const auto& e : dictionary) terms.insert(e.term);
  AnchorDictionary kept;
  for (const auto& e : dictionary) {
    auto words = util::words_of(e.term);
    bool all_words_are_terms =
        words.size() > 1 && std::all_of(words.begin(), words.end(), [&](const std::string& w) { return terms.count(w); });
    bool possessive_of_term = e.term.size() > 2 && e.term.compare(e.term.size() - 2, 2, "'s") == 0 &&
                              terms.count(e.term.substr(0, e.term.size() - 2));
    if (!all_words_are_terms && !possessive_of_term) kept.push_back(e);
  }
  return kept;
}

}  // namespace lethe::unlearn
