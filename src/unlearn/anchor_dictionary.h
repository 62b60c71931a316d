#pragma once
// The anchored-term dictionary: idiosyncratic expressions of the content to forget, each with
// generic substitutes ("Thornhaven Academy" -> ["the academy", "the school"]).
#include <filesystem>
#include <string>
#include <vector>

namespace lethe::unlearn {

struct AnchorEntry {
  std::string term;
  std::vector<std::string> substitutes;  // at least one
};

using AnchorDictionary = std::vector<AnchorEntry>;

// A JSON object term -> [substitute, ...] (a single string is taken as a list of one), or a review
// file (.tsv, review_file.h) whose every term has substitutes. Throws
// lethe::Error naming the file and the term for anything else: not an object, an empty term or
// substitute, a substitute equal to its term, no substitutes.
AnchorDictionary read_anchor_dictionary(const std::filesystem::path& path);

// The paper's filtering rules: a multi-word term whose every word is itself a term is dropped
// (its parts are translated instead), and so is a possessive "X's" when X is a term.
AnchorDictionary apply_paper_rules(const AnchorDictionary& dictionary);

}  // namespace lethe::unlearn
