#pragma once
// JSON Lines input: one JSON object per line, blank lines allowed. Every error names the file and
// the line, compiler-style: "forget_qa.jsonl:12: field "answer" must be a string".
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace lethe::eval {

// One line's object, with typed field access that fails with the file and line.
class JsonlRecord {
 public:
  JsonlRecord(const nlohmann::json& object, const std::filesystem::path& path, int64_t line);

  int64_t line() const { return line_; }
  const nlohmann::json& object() const { return object_; }
  bool has(const std::string& field) const;

  // A present, non-empty string.
  std::string required_string(const std::string& field) const;
  // A present string, possibly empty.
  std::string possibly_empty_string(const std::string& field) const;
  // Empty when absent; when present, a non-empty string.
  std::string optional_string(const std::string& field) const;
  // A present array of non-empty strings (possibly an empty array).
  std::vector<std::string> string_list(const std::string& field) const;
  // A present integer (1.0 is not one).
  int64_t integer(const std::string& field) const;

  [[noreturn]] void fail(const std::string& what) const;

 private:
  const nlohmann::json& field_value(const std::string& field) const;

  const nlohmann::json& object_;
  const std::filesystem::path& path_;
  int64_t line_;
};

// Calls visit once per non-blank line of the file, in order. Throws lethe::Error on an unreadable
// file, a line that is not valid JSON or not an object, and a file with no record at all.
void for_each_jsonl_record(const std::filesystem::path& path, const std::function<void(const JsonlRecord&)>& visit);

}  // namespace lethe::eval
