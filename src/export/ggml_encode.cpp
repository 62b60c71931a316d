#include "export/ggml_encode.h"

#include <cstring>

#include "util/error.h"

namespace lethe::exporting {
namespace {

constexpr int64_t kBlock = 32;

std::string bytes_of(const torch::Tensor& t) {
  auto contiguous = t.contiguous();
  return std::string(static_cast<const char*>(contiguous.data_ptr()), contiguous.numel() * contiguous.element_size());
}

std::string q8_0_encode(const torch::Tensor& values) {
  auto blocks = values.to(torch::kFloat).contiguous().view({-1, kBlock});        // (B, 32)
  auto scale = blocks.abs().amax(1, /*keepdim=*/true) / 127.0f;                  // (B, 1)
  auto inverse = torch::where(scale > 0, 1.0f / scale, torch::zeros_like(scale));
  auto scaled = blocks * inverse;
  auto quantized = (scaled.sign() * (scaled.abs() + 0.5f).floor()).to(torch::kInt8);  // roundf: half away from 0
  auto packed = torch::cat({scale.to(torch::kHalf).view(torch::kUInt8), quantized.view(torch::kUInt8)}, 1);  // (B, 34)
  return bytes_of(packed);
}

}  // namespace

std::string ggml_encode(const torch::Tensor& values, io::GgmlType type) {
  switch (type) {
    case io::GgmlType::kF32: return bytes_of(values.to(torch::kFloat));
    case io::GgmlType::kF16: return bytes_of(values.to(torch::kHalf));
    case io::GgmlType::kBF16: return bytes_of(values.to(torch::kBFloat16));
    case io::GgmlType::kQ8_0:
      io::ggml_nbytes(type, values.sizes().vec());  // refuses rows that are not whole blocks
      return q8_0_encode(values);
  }
  throw Error("unknown ggml type");
}

torch::Tensor q8_0_decode(const std::string& bytes, const std::vector<int64_t>& shape) {
  if (bytes.size() != io::ggml_nbytes(io::GgmlType::kQ8_0, shape)) throw Error("q8_0 bytes do not match the shape");
  auto packed = torch::empty({static_cast<int64_t>(bytes.size()) / 34, 34}, torch::kUInt8);
  std::memcpy(packed.data_ptr(), bytes.data(), bytes.size());
  auto scale = packed.slice(1, 0, 2).contiguous().view(torch::kHalf).to(torch::kFloat);   // (B, 1)
  auto values = packed.slice(1, 2, 34).contiguous().view(torch::kInt8).to(torch::kFloat);  // (B, 32)
  return (values * scale).view(shape);
}

}  // namespace lethe::exporting
