#include "eval/jsonl.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "io/file.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 1, column 5: ";
// the line and column are given in our own terms, so keep what follows.
std::string parse_error_reason(const nlohmann::json::exception& e) {
  std::string_view message = e.what();
  std::size_t column = message.find("column ");
  std::size_t reason = column == std::string_view::npos ? column : message.find(": ", column);
  return std::string(reason == std::string_view::npos ? message : message.substr(reason + 2));
}

const char* type_name(const nlohmann::json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

}  // namespace

JsonlRecord::JsonlRecord(const nlohmann::json& object, const std::filesystem::path& path, int64_t line)
    : object_(object), path_(path), line_(line) {}

void JsonlRecord::fail(const std::string& what) const {
  throw Error(fmt::format("{}:{}: {}", path_.string(), line_, what));
}

bool JsonlRecord::has(const std::string& field) const { return object_.contains(field); }

const nlohmann::json& JsonlRecord::field_value(const std::string& field) const {
  auto it = object_.find(field);
  if (it == object_.end()) fail(fmt::format("missing field \"{}\"", field));
  return *it;
}

std::string JsonlRecord::possibly_empty_string(const std::string& field) const {
  const nlohmann::json& value = field_value(field);
  if (!value.is_string()) fail(fmt::format("field \"{}\" must be a string, not {}", field, type_name(value)));
  return value.get<std::string>();
}

std::string JsonlRecord::required_string(const std::string& field) const {
  std::string value = possibly_empty_string(field);
  if (value.empty()) fail(fmt::format("field \"{}\" is empty", field));
  return value;
}

std::string JsonlRecord::optional_string(const std::string& field) const {
  return has(field) ? required_string(field) : std::string();
}

std::vector<std::string> JsonlRecord::string_list(const std::string& field) const {
  const nlohmann::json& value = field_value(field);
  if (!value.is_array()) fail(fmt::format("field \"{}\" must be an array of strings, not {}", field, type_name(value)));
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& element = value[i];
    if (!element.is_string()) fail(fmt::format("{}[{}] must be a string, not {}", field, i, type_name(element)));
    if (element.get_ref<const std::string&>().empty()) fail(fmt::format("{}[{}] is empty", field, i));
    strings.push_back(element.get<std::string>());
  }
  return strings;
}

int64_t JsonlRecord::integer(const std::string& field) const {
  const nlohmann::json& value = field_value(field);
  if (!value.is_number_integer()) fail(fmt::format("field \"{}\" must be an integer, not {}", field, type_name(value)));
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    fail(fmt::format("field \"{}\" is too large", field));
  return value.get<int64_t>();
}

void for_each_jsonl_record(const std::filesystem::path& path, const std::function<void(const JsonlRecord&)>& visit) {
  std::string text = io::read_file(path);
  std::string_view rest = text;
  int64_t line_number = 0;
  int64_t records = 0;
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line_number;
    if (is_blank(line)) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(fmt::format("{}:{}:{}: invalid JSON: {}", path.string(), line_number, e.byte, parse_error_reason(e)));
    } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
      throw Error(fmt::format("{}:{}: invalid JSON: {}", path.string(), line_number, parse_error_reason(e)));
    }
    JsonlRecord record(object, path, line_number);
    if (!object.is_object()) record.fail(fmt::format("expected a JSON object, found {}", type_name(object)));
    visit(record);
    ++records;
  }
  if (records == 0) throw Error(fmt::format("{}: no records (an empty file?)", path.string()));
}

}  // namespace lethe::eval
