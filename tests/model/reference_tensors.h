#pragma once
// What the tests against the PyTorch reference (tests/reference/llama_reference.py) share: its
// tensors read back, and the norm-wise relative error they are compared with.
#include <torch/torch.h>

#include <string>

#include "io/safetensors.h"

namespace lethe::test {

// A float32 or int64 tensor of a safetensors file; a missing name fails the test.
torch::Tensor read_tensor(const io::SafetensorsReader& file, const std::string& name);

// ||actual - expected|| / ||expected|| (against an expected zero, the error's norm / 1e-30).
double relative_error(const torch::Tensor& actual, const torch::Tensor& expected);

}  // namespace lethe::test
