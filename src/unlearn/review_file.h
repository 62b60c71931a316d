#pragma once
// The review file of an anchored-term dictionary: one term per line, tab-separated, for a person
// to read and correct before the expensive stages. `lethe anchors --review FILE.tsv` writes it;
// wherever a dictionary is read (--dictionary, the pipeline's `dictionary`), a .tsv file is read
// as one. Lines starting with '#' are comments; the first other line names the columns, of which
// only `term` is required:
//   term  kind  gender  confidence  forget  reference  substitutes  example_1  example_2
// substitutes are separated by "; ". Tabs and line breaks inside a field are written as spaces.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lethe::unlearn {

struct ReviewRow {
  std::string term;
  std::string kind;    // as the miner names it: first name, family name, place, people, title, thing, event
  std::string gender;  // male, female or empty
  double confidence = 0.0;
  int64_t forget_count = 0, reference_count = 0;
  std::vector<std::string> substitutes;
  std::vector<std::string> examples;
};

void write_review_file(const std::filesystem::path& path, const std::vector<ReviewRow>& rows);

// Throws lethe::Error naming the file and line: no header, no term column, a row with more fields
// than the header, an empty or repeated term, a confidence or count that is not a number.
std::vector<ReviewRow> read_review_file(const std::filesystem::path& path);

}  // namespace lethe::unlearn
