#include "io/dtype.h"

#include <fmt/core.h>

#include <array>

#include "util/error.h"

namespace lethe::io {
namespace {

struct DTypeEntry {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr std::array<DTypeEntry, 10> kDTypes{{
    {DType::F64, "F64", 8},
    {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},
    {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},
    {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},
}};

const DTypeEntry& entry(DType dtype) {
  for (const auto& e : kDTypes)
    if (e.dtype == dtype) return e;
  return kDTypes[0];  // unreachable: every enumerator is in the table
}

}  // namespace

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& e : kDTypes)
    if (name == e.name) return e.dtype;
  return std::nullopt;
}

const char* dtype_name(DType dtype) { return entry(dtype).name; }

DType weight_dtype_from_name(const std::string& name) {
  if (name == "float32" || name == "fp32" || name == "f32") return DType::F32;
  if (name == "bfloat16" || name == "bf16") return DType::BF16;
  if (name == "float16" || name == "fp16" || name == "f16") return DType::F16;
  throw Error(fmt::format("unknown dtype '{}' (float32, bfloat16, float16)", name));
}
std::size_t dtype_size(DType dtype) { return entry(dtype).size; }

}  // namespace lethe::io
