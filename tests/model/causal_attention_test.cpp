// model::causal_attention against the attention formula in float64: output and gradients, with
// grouped-query heads, strided inputs, one token, and any thread count.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "model/causal_attention.h"

namespace lethe::model {
namespace {

// Norm-wise; against an expected zero (one token's q and k gradients) it is the error's norm / 1e-30.
double relative_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  return (actual.to(torch::kDouble) - expected).norm().item<double>() / std::max(expected.norm().item<double>(), 1e-30);
}

// softmax(q k^T / sqrt(D) + causal mask) v in float64, each kv head repeated for its query heads.
torch::Tensor reference_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  const int64_t groups = q.size(1) / k.size(1), t = q.size(2);
  auto keys = k.repeat_interleave(groups, 1), values = v.repeat_interleave(groups, 1);  // (B,H,T,D)
  auto scores = torch::matmul(q, keys.transpose(2, 3)) / std::sqrt(static_cast<double>(q.size(3)));
  auto future = torch::ones({t, t}, torch::kBool).triu(1);
  scores = scores.masked_fill(future, -std::numeric_limits<double>::infinity());
  return torch::matmul(torch::softmax(scores, -1), values);
}

torch::Tensor float64_leaf(const torch::Tensor& x) { return x.to(torch::kDouble).detach().requires_grad_(); }

// (B,heads,T,D) as the model makes it: a transposed view of (B,T,heads,D).
torch::Tensor heads_view(int64_t b, int64_t heads, int64_t t, int64_t d) {
  return torch::randn({b, t, heads, d}).transpose(1, 2).requires_grad_();
}

void expect_matches_reference(int64_t heads, int64_t kv_heads, int64_t t, int64_t d) {
  const int64_t b = 2;
  auto q = heads_view(b, heads, t, d), k = heads_view(b, kv_heads, t, d), v = heads_view(b, kv_heads, t, d);
  ASSERT_TRUE(causal_attention_supported(q, k, v));
  auto q64 = float64_leaf(q), k64 = float64_leaf(k), v64 = float64_leaf(v);
  auto out = causal_attention(q, k, v);
  auto expected = reference_attention(q64, k64, v64);
  ASSERT_EQ(out.sizes(), expected.sizes());
  EXPECT_LE(relative_error(out, expected), 1e-5);
  // The heads merge into (B,T,H*D) without a copy.
  EXPECT_TRUE(out.transpose(1, 2).is_contiguous());

  auto grad = torch::randn(out.sizes());
  out.backward(grad);
  expected.backward(grad.to(torch::kDouble));
  EXPECT_LE(relative_error(q.grad(), q64.grad()), 1e-5);
  EXPECT_LE(relative_error(k.grad(), k64.grad()), 1e-5);
  EXPECT_LE(relative_error(v.grad(), v64.grad()), 1e-5);
}

TEST(CausalAttention, MatchesTheFormula) {
  torch::manual_seed(0);
  expect_matches_reference(/*heads=*/3, /*kv_heads=*/3, /*t=*/9, /*d=*/5);
}

TEST(CausalAttention, GroupedQueryHeadsSumIntoTheirKvHead) {
  torch::manual_seed(1);
  expect_matches_reference(/*heads=*/6, /*kv_heads=*/2, /*t=*/13, /*d=*/4);
}

TEST(CausalAttention, OneToken) {
  torch::manual_seed(2);
  expect_matches_reference(/*heads=*/2, /*kv_heads=*/1, /*t=*/1, /*d=*/8);
}

TEST(CausalAttention, InferenceGivesTheSameOutputWithoutKeepingProbabilities) {
  torch::manual_seed(3);
  auto q = heads_view(2, 4, 10, 8), k = heads_view(2, 2, 10, 8), v = heads_view(2, 2, 10, 8);
  auto with_grad = causal_attention(q, k, v);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(causal_attention(q, k, v), with_grad));
}

TEST(CausalAttention, SameResultOnOneThreadAsOnAll) {
  torch::manual_seed(4);
  auto q = heads_view(2, 4, 33, 16), k = heads_view(2, 4, 33, 16), v = heads_view(2, 4, 33, 16);
  const int threads = torch::get_num_threads();
  auto out = causal_attention(q, k, v);
  out.backward(torch::ones(out.sizes()));
  auto grad_k = k.grad().clone();
  k.mutable_grad() = torch::Tensor();
  torch::set_num_threads(1);
  auto single = causal_attention(q, k, v);
  single.backward(torch::ones(single.sizes()));
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(single, out));
  EXPECT_TRUE(torch::equal(k.grad(), grad_k));
}

TEST(CausalAttention, SupportsOnlyCpuFloat32WithContiguousRowsAndAsManyKeysAsQueries) {
  auto x = torch::randn({1, 2, 4, 8});
  EXPECT_TRUE(causal_attention_supported(x, x, x));
  auto doubles = x.to(torch::kDouble);
  EXPECT_FALSE(causal_attention_supported(doubles, doubles, doubles));
  auto strided_rows = torch::randn({1, 2, 8, 4}).transpose(2, 3);  // last dimension not contiguous
  EXPECT_FALSE(causal_attention_supported(strided_rows, strided_rows, strided_rows));
  auto longer = torch::randn({1, 2, 6, 8});  // six cached keys for four queries
  EXPECT_FALSE(causal_attention_supported(x, longer, longer));
  auto three_kv_heads = torch::randn({1, 3, 4, 8});  // 2 query heads cannot share 3 kv heads
  EXPECT_FALSE(causal_attention_supported(x, three_kv_heads, three_kv_heads));
}

}  // namespace
}  // namespace lethe::model
