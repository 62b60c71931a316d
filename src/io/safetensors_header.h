#pragma once
// The JSON header of a safetensors file: parsing it with every check the reader promises, and the
// byte-size rule that the reader and the writer share. Private to src/io.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/safetensors.h"

namespace lethe::io {

// The header key that holds the string-to-string metadata instead of a tensor.
inline constexpr const char* kMetadataKey = "__metadata__";

struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;  // in data-offset order
  std::map<std::string, std::string> metadata;
};

// Parses the header of `file` (named in errors) whose data section holds data_size bytes. Throws
// lethe::Error "FILE: [tensor 'NAME': ]reason" unless the header is a JSON object without duplicate
// keys, every entry is well formed, and the tensors tile the data section exactly.
SafetensorsHeader parse_safetensors_header(const std::string& file, std::string_view json,
                                           uint64_t data_size);

// product(shape) * dtype_size(dtype), or nullopt when a dimension is negative or the product
// overflows 64 bits.
std::optional<uint64_t> tensor_byte_size(DType dtype, const std::vector<int64_t>& shape);

}  // namespace lethe::io
