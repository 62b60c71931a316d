// util::onednn_sgemm against torch's matrix product in float64, for every transposition.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "util/onednn_sgemm.h"

namespace lethe::util {
namespace {

double relative_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  return (actual.to(torch::kDouble) - expected).norm().item<double>() / expected.norm().item<double>();
}

// A (rows, cols) float32 matrix stored with row stride cols + 3: the padding must be skipped.
torch::Tensor padded_matrix(int64_t rows, int64_t cols) {
  return torch::randn({rows, cols + 3}).narrow(1, 0, cols);
}

TEST(OnednnSgemm, MatchesTorchForEveryTransposition) {
  torch::manual_seed(0);
  const int64_t m = 7, n = 5, k = 11;
  const float alpha = 0.5f, beta = 2.0f;
  for (char ta : {'N', 'T'}) {
    for (char tb : {'N', 'T'}) {
      SCOPED_TRACE(std::string("transpositions ") + ta + tb);
      auto a = ta == 'N' ? padded_matrix(m, k) : padded_matrix(k, m);
      auto b = tb == 'N' ? padded_matrix(k, n) : padded_matrix(n, k);
      auto c = padded_matrix(m, n);
      auto op_a = (ta == 'N' ? a : a.t()).to(torch::kDouble), op_b = (tb == 'N' ? b : b.t()).to(torch::kDouble);
      auto expected = alpha * torch::mm(op_a, op_b) + beta * c.to(torch::kDouble);
      onednn_sgemm(ta, tb, m, n, k, alpha, a.data_ptr<float>(), a.stride(0), b.data_ptr<float>(), b.stride(0), beta,
                   c.data_ptr<float>(), c.stride(0));
      EXPECT_LE(relative_error(c, expected), 1e-6);
    }
  }
}

TEST(OnednnSgemm, ReportsInvalidArguments) {
  std::vector<float> a(4), b(4), c(4);
  // A leading dimension shorter than a row is refused by oneDNN; lethe turns that into an error.
  EXPECT_THROW(onednn_sgemm('N', 'N', 2, 2, 2, 1.0f, a.data(), 1, b.data(), 2, 0.0f, c.data(), 2), c10::Error);
}

}  // namespace
}  // namespace lethe::util
