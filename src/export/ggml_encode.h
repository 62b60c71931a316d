#pragma once
// Weights in the element types of ggml, as llama.cpp reads them.
#include <torch/torch.h>

#include <string>

#include "io/gguf.h"

namespace lethe::exporting {

// The bytes of a tensor (any floating dtype, any shape) in `type`: f32, f16 and bf16 rounded to
// nearest even; q8_0 in blocks of 32 along the last dimension, each a float16 scale
// d = max|x| / 127 followed by 32 int8 values round(x / d), rounded half away from zero as
// ggml's own quantiser does.
std::string ggml_encode(const torch::Tensor& values, io::GgmlType type);

// q8_0 bytes back to float32 values of `shape` (for checks).
torch::Tensor q8_0_decode(const std::string& bytes, const std::vector<int64_t>& shape);

}  // namespace lethe::exporting
