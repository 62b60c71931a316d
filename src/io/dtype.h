#pragma once
// Element types of safetensors files, by their names in the header ("F32", "BF16", ...).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lethe::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

std::optional<DType> dtype_from_name(std::string_view name);
const char* dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);

// The weight types lethe loads and writes, by the names users give them ("float32", "bf16", ...):
// F32, BF16 or F16. Throws lethe::Error naming the accepted names for anything else.
DType weight_dtype_from_name(const std::string& name);

}  // namespace lethe::io
