#include "unlearn/review_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "io/file.h"
#include "util/error.h"
#include "util/words.h"

namespace lethe::unlearn {
namespace {

const std::vector<std::string> kColumns = {"term",      "kind",        "gender",    "confidence", "forget",
                                           "reference", "substitutes", "example_1", "example_2"};

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return text;
}

std::vector<std::string> split(const std::string& line, const std::string& separator) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t at; (at = line.find(separator, start)) != std::string::npos; start = at + separator.size())
    fields.push_back(line.substr(start, at - start));
  fields.push_back(line.substr(start));
  return fields;
}

std::string trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(' '), end = text.find_last_not_of(' ');
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// A whole field as a number; false for "12x" as for "x".
template <typename T>
bool parse_number(const std::string& field, T& value) {
  if (field.empty()) return true;
  size_t used = 0;
  try {
    if constexpr (std::is_same_v<T, double>) value = std::stod(field, &used);
    else value = std::stoll(field, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == field.size();
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + one_line(item);
  return out;
}

}  // namespace

void write_review_file(const std::filesystem::path& path, const std::vector<ReviewRow>& rows) {
  std::string out = "# lethe anchored terms: correct the substitutes (separated by \"; \"), delete a line to drop its\n"
                    "# term, then pass this file as --dictionary (or the pipeline's dictionary). Kind, gender and\n"
                    "# the counts are for reading: the substitutes alone are read back.\n";
  out += join(kColumns, "\t") + "\n";
  for (const auto& r : rows) {
    std::vector<std::string> examples = r.examples;
    examples.resize(2);
    out += fmt::format("{}\t{}\t{}\t{:.2f}\t{}\t{}\t{}\t{}\t{}\n", one_line(r.term), one_line(r.kind), one_line(r.gender),
                       r.confidence, r.forget_count, r.reference_count, join(r.substitutes, "; "),
                       one_line(examples[0]), one_line(examples[1]));
  }
  io::write_file_atomic(path, out);
}

std::vector<ReviewRow> read_review_file(const std::filesystem::path& path) {
  std::istringstream in(io::read_file(path));
  std::vector<std::string> header;
  std::vector<ReviewRow> rows;
  std::set<std::string> terms;
  int64_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& what) { throw Error(fmt::format("{}:{}: {}", path.string(), number, what)); };
    auto fields = split(line, "\t");
    if (header.empty()) {
      header = fields;
      if (std::find(header.begin(), header.end(), "term") == header.end())
        fail("the header names no \"term\" column (columns: " + join(kColumns, ", ") + ")");
      continue;
    }
    if (fields.size() > header.size()) fail(fmt::format("{} fields, but the header names {}", fields.size(), header.size()));
    std::map<std::string, std::string> field;
    for (size_t i = 0; i < fields.size(); ++i) field[header[i]] = fields[i];
    ReviewRow row;
    row.term = trimmed(field["term"]);
    if (util::words_of(row.term).empty()) fail("the term is empty");
    if (!terms.insert(row.term).second) fail(fmt::format("term \"{}\" is listed twice", row.term));
    row.kind = field["kind"];
    row.gender = field["gender"];
    if (!parse_number(field["confidence"], row.confidence) || !parse_number(field["forget"], row.forget_count) ||
        !parse_number(field["reference"], row.reference_count))
      fail("confidence, forget and reference must be numbers");
    for (const auto& s : split(field["substitutes"], ";"))
      if (!trimmed(s).empty()) row.substitutes.push_back(trimmed(s));
    for (const char* column : {"example_1", "example_2"})
      if (!field[column].empty()) row.examples.push_back(field[column]);
    rows.push_back(std::move(row));
  }
  if (header.empty()) throw Error(fmt::format("{}: no header line (columns: {})", path.string(), join(kColumns, ", ")));
  return rows;
}

}  // namespace lethe::unlearn
