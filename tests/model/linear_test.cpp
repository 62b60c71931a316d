// model::linear (oneDNN on the CPU) against torch's linear in float64: values and gradients.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model/linear.h"

namespace lethe::model {
namespace {

namespace F = torch::nn::functional;

double relative_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  return (actual.to(torch::kDouble) - expected).norm().item<double>() / expected.norm().item<double>();
}

torch::Tensor float64_leaf(const torch::Tensor& x) { return x.to(torch::kDouble).detach().requires_grad_(); }

TEST(Linear, MatchesTorchInValueAndGradients) {
  torch::manual_seed(0);
  for (bool with_bias : {false, true}) {
    SCOPED_TRACE(with_bias ? "with bias" : "without bias");
    // The input is a transposed view, as the merged attention heads are: not contiguous.
    auto x = torch::randn({2, 7, 5}).transpose(1, 2).requires_grad_();  // (2,5,7)
    auto weight = torch::randn({3, 7}, torch::requires_grad());
    auto bias = with_bias ? torch::randn({3}, torch::requires_grad()) : torch::Tensor();
    auto x64 = float64_leaf(x), weight64 = float64_leaf(weight);
    auto bias64 = with_bias ? float64_leaf(bias) : torch::Tensor();

    auto y = model::linear(x, weight, bias);
    auto expected = F::linear(x64, weight64, bias64);
    ASSERT_EQ(y.sizes(), expected.sizes());
    EXPECT_LE(relative_error(y, expected), 1e-6);

    auto grad = torch::randn(y.sizes());
    y.backward(grad);
    expected.backward(grad.to(torch::kDouble));
    EXPECT_LE(relative_error(x.grad(), x64.grad()), 1e-6);
    EXPECT_LE(relative_error(weight.grad(), weight64.grad()), 1e-6);
    if (with_bias) EXPECT_LE(relative_error(bias.grad(), bias64.grad()), 1e-6);
  }
}

TEST(Linear, HandlesAnEmptyBatch) {
  auto y = model::linear(torch::randn({0, 4}), torch::randn({6, 4}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{0, 6}));
}

TEST(Linear, OtherDtypesUseTorchsLinear) {
  torch::manual_seed(0);
  auto x = torch::randn({3, 8}).to(torch::kBFloat16), weight = torch::randn({4, 8}).to(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(model::linear(x, weight), F::linear(x, weight)));
}

}  // namespace
}  // namespace lethe::model
