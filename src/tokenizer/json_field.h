#pragma once
// A JSON value together with where it came from (file and field path), so that every check of a
// user-supplied tokenizer file can fail with "FILE: FIELD: reason".
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace lethe::tokenizer {

class JsonField {
 public:
  // The whole document of file.
  JsonField(const nlohmann::json& value, std::string file);

  const nlohmann::json& json() const { return *value_; }
  const std::string& file() const { return *file_; }
  const std::string& path() const { return path_; }

  // Member key of this object; fails if this is not an object or the member is missing.
  JsonField operator[](std::string_view key) const;
  // Member key of this object, or nullopt when it is absent or null.
  std::optional<JsonField> find(std::string_view key) const;
  // Element index of this array (index < size()).
  JsonField at(std::size_t index) const;
  std::size_t size() const;  // of an array; fails otherwise

  std::string as_string() const;
  bool as_bool() const;
  int32_t as_id() const;  // an integer in [0, INT32_MAX)
  // The "type" member of this object, the tag of every tokenizer.json component.
  std::string type_name() const;

  void expect_object() const;
  [[noreturn]] void fail(const std::string& reason) const;

  // Optional members with a default.
  bool bool_or(std::string_view key, bool fallback) const;

 private:
  // Components nest (Sequence of Sequence ...) and are read recursively: a hostile file could
  // otherwise exhaust the stack.
  static constexpr int kMaxDepth = 64;

  JsonField(const nlohmann::json& value, std::shared_ptr<const std::string> file, std::string path, int depth);
  JsonField child(const nlohmann::json& value, std::string path) const;
  void expect_array() const;

  const nlohmann::json* value_;  // the document must outlive its fields
  std::shared_ptr<const std::string> file_;
  std::string path_;
  int depth_;
};

}  // namespace lethe::tokenizer
