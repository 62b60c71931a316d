#pragma once
// The product of a linear layer, x W^T + b, for every linear layer of the model.
#include <torch/torch.h>

namespace lethe::model {

// x (...,in), weight (out,in), bias (out) or undefined -> (...,out). float32 on the CPU runs on
// oneDNN's sgemm (util/onednn_sgemm.h). The weight's gradient, a long sum over tokens, stays on
// torch's BLAS when that is OpenBLAS on its AVX-512 kernels (as fast as oneDNN there), and runs on
// oneDNN otherwise (1.2 to 1.7 times OpenBLAS's Haswell kernels, which AMD machines set:
// bench/weight_gradient.cpp). Other dtypes and devices use torch's linear. Call it as
// model::linear: unqualified, argument-dependent lookup also finds at::linear.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});

}  // namespace lethe::model
