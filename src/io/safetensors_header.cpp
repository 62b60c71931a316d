#include "io/safetensors_header.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "util/error.h"

namespace lethe::io {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& reason) {
  throw Error(where + ": " + reason);
}

std::string tensor_where(const std::string& file, const std::string& name) {
  return fmt::format("{}: tensor '{}'", file, name);
}

// nlohmann keeps the last of two equal keys without a word; a header that names a tensor twice
// is ambiguous, so every object is checked for repeated keys while parsing.
json parse_rejecting_duplicate_keys(const std::string& file, std::string_view text) {
  std::vector<std::set<std::string>> keys_of_open_objects;
  std::string current_tensor;
  auto check_key = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys_of_open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      keys_of_open_objects.pop_back();
    } else if (event == json::parse_event_t::key) {
      const auto& key = parsed.get_ref<const std::string&>();
      bool top_level = depth == 1;  // a key of the root object: a tensor name or "__metadata__"
      if (top_level) current_tensor = key;
      if (!keys_of_open_objects.back().insert(key).second) {
        if (!top_level) fail(tensor_where(file, current_tensor), fmt::format("duplicate key \"{}\"", key));
        if (key == kMetadataKey) fail(file, "\"__metadata__\" appears twice in the header");
        fail(tensor_where(file, key), "appears twice in the header");
      }
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), check_key);
  } catch (const json::parse_error& e) {
    fail(file, fmt::format("header is not valid JSON: {} (byte {})", e.what(), e.byte));
  } catch (const json::exception& e) {  // e.g. a number too large for a double
    fail(file, fmt::format("header is not valid JSON: {}", e.what()));
  }
}

const json& required_field(const json& entry, const char* key, const std::string& where) {
  auto it = entry.find(key);
  if (it == entry.end()) fail(where, fmt::format("missing \"{}\"", key));
  return *it;
}

DType parse_dtype(const json& value, const std::string& where) {
  if (!value.is_string()) fail(where, "\"dtype\" is not a string");
  const auto& name = value.get_ref<const std::string&>();
  std::optional<DType> dtype = dtype_from_name(name);
  if (!dtype) fail(where, fmt::format("unknown dtype '{}'", name));
  return *dtype;
}

int64_t parse_dimension(const json& value, const std::string& where) {
  if (value.is_number_unsigned()) {
    uint64_t dim = value.get<uint64_t>();
    if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(where, fmt::format("shape dimension {} is too large", dim));
    return static_cast<int64_t>(dim);
  }
  if (value.is_number_integer()) {
    int64_t dim = value.get<int64_t>();
    if (dim < 0) fail(where, fmt::format("negative dimension {} in shape", dim));
    return dim;  // "-0"
  }
  fail(where, fmt::format("shape dimension {} is not an integer", value.dump()));
}

std::vector<int64_t> parse_shape(const json& value, const std::string& where) {
  if (!value.is_array()) fail(where, "\"shape\" is not an array");
  std::vector<int64_t> shape;
  for (const json& dim : value) shape.push_back(parse_dimension(dim, where));
  return shape;
}

struct ByteRange {
  uint64_t begin;
  uint64_t end;
};

ByteRange parse_data_offsets(const json& value, const std::string& where) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number_unsigned() ||
      !value[1].is_number_unsigned())
    fail(where, fmt::format("\"data_offsets\" {} is not two non-negative integers", value.dump()));
  ByteRange range{value[0].get<uint64_t>(), value[1].get<uint64_t>()};
  if (range.end < range.begin)
    fail(where, fmt::format("data_offsets [{}, {}] end before they begin", range.begin, range.end));
  return range;
}

TensorInfo parse_tensor(const std::string& file, const std::string& name, const json& entry,
                        uint64_t data_size) {
  std::string where = tensor_where(file, name);
  if (!entry.is_object()) fail(where, "entry is not a JSON object");
  TensorInfo info;
  info.name = name;
  info.dtype = parse_dtype(required_field(entry, "dtype", where), where);
  const json& shape = required_field(entry, "shape", where);
  info.shape = parse_shape(shape, where);
  ByteRange range = parse_data_offsets(required_field(entry, "data_offsets", where), where);

  std::optional<uint64_t> needed = tensor_byte_size(info.dtype, info.shape);
  if (!needed)
    fail(where, fmt::format("shape {} of {} overflows 64 bits", shape.dump(), dtype_name(info.dtype)));
  if (range.end - range.begin != *needed)
    fail(where,
         fmt::format("data_offsets [{}, {}] hold {} bytes, but shape {} of {} needs {} bytes", range.begin,
                     range.end, range.end - range.begin, shape.dump(), dtype_name(info.dtype), *needed));
  if (range.end > data_size)
    fail(where, fmt::format("data_offsets [{}, {}] run past the end of the data section ({} bytes)",
                            range.begin, range.end, data_size));
  info.offset = range.begin;
  info.nbytes = *needed;
  return info;
}

std::map<std::string, std::string> parse_metadata(const std::string& file, const json& value) {
  if (!value.is_object()) fail(file, "\"__metadata__\" is not a JSON object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) fail(file, fmt::format("\"__metadata__\" value of '{}' is not a string", key));
    metadata.emplace(key, item.get<std::string>());
  }
  return metadata;
}

// Sorts the tensors by offset and checks they cover [0, data_size) without overlap or gap, as the
// official library does: every byte of the data section belongs to exactly one tensor.
void sort_and_check_tiling(const std::string& file, std::vector<TensorInfo>& tensors, uint64_t data_size) {
  std::stable_sort(tensors.begin(), tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.nbytes < b.nbytes;  // empty tensors first
  });
  uint64_t covered = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo& tensor : tensors) {
    if (tensor.offset < covered)
      fail(tensor_where(file, tensor.name),
           fmt::format("bytes [{}, {}) overlap tensor '{}' [{}, {})", tensor.offset,
                       tensor.offset + tensor.nbytes, previous->name, previous->offset, covered));
    if (tensor.offset > covered)
      fail(file, fmt::format("gap in the data section: bytes [{}, {}) belong to no tensor", covered,
                             tensor.offset));
    covered = tensor.offset + tensor.nbytes;
    previous = &tensor;
  }
  if (covered != data_size)
    fail(file,
         fmt::format("gap in the data section: bytes [{}, {}) belong to no tensor", covered, data_size));
}

}  // namespace

SafetensorsHeader parse_safetensors_header(const std::string& file, std::string_view text,
                                           uint64_t data_size) {
  json header = parse_rejecting_duplicate_keys(file, text);
  if (!header.is_object()) fail(file, "header is not a JSON object");
  SafetensorsHeader result;
  for (const auto& [name, entry] : header.items()) {
    if (name == kMetadataKey)
      result.metadata = parse_metadata(file, entry);
    else
      result.tensors.push_back(parse_tensor(file, name, entry, data_size));
  }
  sort_and_check_tiling(file, result.tensors, data_size);
  return result;
}

std::optional<uint64_t> tensor_byte_size(DType dtype, const std::vector<int64_t>& shape) {
  uint64_t bytes = dtype_size(dtype);
  for (int64_t dim : shape) {
    if (dim < 0 || __builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes)) return std::nullopt;
  }
  return bytes;
}

}  // namespace lethe::io
