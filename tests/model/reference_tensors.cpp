#include "model/reference_tensors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace lethe::test {

torch::Tensor read_tensor(const io::SafetensorsReader& file, const std::string& name) {
  const io::TensorInfo* info = file.find(name);
  if (info == nullptr) {
    ADD_FAILURE() << name << " missing";
    return torch::zeros({1});
  }
  auto dtype = info->dtype == io::DType::I64 ? torch::kLong : torch::kFloat;
  auto t = torch::empty(info->shape, torch::TensorOptions().dtype(dtype));
  std::memcpy(t.data_ptr(), file.data(*info), info->nbytes);  // copy: mmap'd data may be unaligned
  return t;
}

double relative_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  return (actual - expected).norm().item<double>() / std::max(expected.norm().item<double>(), 1e-30);
}

}  // namespace lethe::test
