#include "tokenizer/json_field.h"

#include <fmt/format.h>

#include <limits>

#include "util/error.h"

namespace lethe::tokenizer {
namespace {

const char* kind_of(const nlohmann::json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  return value.is_null() ? "null" : value.type_name();
}

}  // namespace

JsonField::JsonField(const nlohmann::json& value, std::string file)
    : JsonField(value, std::make_shared<const std::string>(std::move(file)), "", 0) {}

JsonField::JsonField(const nlohmann::json& value, std::shared_ptr<const std::string> file, std::string path,
                     int depth)
    : value_(&value), file_(std::move(file)), path_(std::move(path)), depth_(depth) {}

JsonField JsonField::child(const nlohmann::json& value, std::string path) const {
  if (depth_ >= kMaxDepth) fail(fmt::format("nested more than {} levels deep", kMaxDepth));
  return JsonField(value, file_, std::move(path), depth_ + 1);
}

void JsonField::fail(const std::string& reason) const {
  if (path_.empty()) throw Error(fmt::format("{}: {}", *file_, reason));
  throw Error(fmt::format("{}: {}: {}", *file_, path_, reason));
}

void JsonField::expect_object() const {
  if (!value_->is_object()) fail(fmt::format("expected an object, found {}", kind_of(*value_)));
}

void JsonField::expect_array() const {
  if (!value_->is_array()) fail(fmt::format("expected an array, found {}", kind_of(*value_)));
}

JsonField JsonField::operator[](std::string_view key) const {
  std::optional<JsonField> member = find(key);
  if (!member) fail(fmt::format("missing \"{}\"", key));
  return *member;
}

std::optional<JsonField> JsonField::find(std::string_view key) const {
  expect_object();
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return child(*it, path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key));
}

JsonField JsonField::at(std::size_t index) const {
  expect_array();
  return child((*value_)[index], fmt::format("{}[{}]", path_, index));
}

std::size_t JsonField::size() const {
  expect_array();
  return value_->size();
}

std::string JsonField::as_string() const {
  if (!value_->is_string()) fail(fmt::format("expected a string, found {}", kind_of(*value_)));
  return value_->get<std::string>();
}

bool JsonField::as_bool() const {
  if (!value_->is_boolean()) fail(fmt::format("expected true or false, found {}", kind_of(*value_)));
  return value_->get<bool>();
}

int32_t JsonField::as_id() const {
  constexpr int64_t kLimit = std::numeric_limits<int32_t>::max();
  if (!value_->is_number_integer()) fail(fmt::format("expected an integer, found {}", kind_of(*value_)));
  // Parsed JSON holds non-negative integers as unsigned (they may exceed int64_t), negative ones as signed.
  bool in_range = value_->is_number_unsigned() ? value_->get<uint64_t>() < static_cast<uint64_t>(kLimit)
                                               : value_->get<int64_t>() >= 0 && value_->get<int64_t>() < kLimit;
  if (!in_range) fail(fmt::format("token id {} is out of range [0, {})", value_->dump(), kLimit));
  return static_cast<int32_t>(value_->get<int64_t>());
}

std::string JsonField::type_name() const { return (*this)["type"].as_string(); }

bool JsonField::bool_or(std::string_view key, bool fallback) const {
  std::optional<JsonField> member = find(key);
  return member ? member->as_bool() : fallback;
}

}  // namespace lethe::tokenizer
