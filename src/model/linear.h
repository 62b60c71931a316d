#pragma once
// The product of a linear layer, x W^T + b, for every linear layer of the model.
#include <torch/torch.h>

namespace lethe::model {

// x (...,in), weight (out,in), bias (out) or undefined -> (...,out). float32 on the CPU runs on
// oneDNN's sgemm (util/onednn_sgemm.h), except the weight's gradient, whose long sum over tokens
// torch's BLAS runs faster; other dtypes and devices use torch's linear. Call it as model::linear:
// unqualified, argument-dependent lookup also finds at::linear.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});

}  // namespace lethe::model
