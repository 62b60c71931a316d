#include "model/causal_attention.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/onednn_sgemm.h"

namespace lethe::model {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Whether each row of x (B,H,T,D) is contiguous and rows do not overlap, as sgemm needs.
bool rows_contiguous(const torch::Tensor& x) { return x.stride(3) == 1 && x.stride(2) >= x.size(3); }

// One head's (T,D) matrix inside a (B,H,T,D) tensor: its first element and its row stride.
struct HeadMatrix {
  float* data;
  int64_t row_stride;
};

HeadMatrix head(const torch::Tensor& x, int64_t b, int64_t h) {
  return {x.data_ptr<float>() + b * x.stride(0) + h * x.stride(1), x.stride(2)};
}

// (B,H,T,D) view of a fresh (B,T,H,D) tensor.
torch::Tensor empty_heads_last(const torch::Tensor& like, int64_t heads) {
  return torch::empty({like.size(0), like.size(2), heads, like.size(3)}, like.options()).transpose(1, 2);
}

float softmax_scale(const torch::Tensor& q) { return 1.0f / std::sqrt(static_cast<float>(q.size(3))); }

// The forward pass. probabilities (B,H,T,T) receives softmax's output when defined; otherwise
// each task keeps it in a scratch matrix.
torch::Tensor attention_forward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                const torch::Tensor& probabilities) {
  const int64_t heads = q.size(1), t = q.size(2), d = q.size(3), groups = heads / k.size(1);
  const float scale = softmax_scale(q);
  auto out = empty_heads_last(q, heads);  // (B,H,T,D)
  at::parallel_for(0, q.size(0) * heads, 1, [&](int64_t begin, int64_t end) {
    auto scores = torch::empty({t, t}, q.options());  // (T,T) scratch
    auto scratch = probabilities.defined() ? torch::Tensor() : torch::empty({t, t}, q.options());
    float* s = scores.data_ptr<float>();
    for (int64_t i = begin; i < end; ++i) {
      const int64_t b = i / heads, h = i % heads;
      auto qh = head(q, b, h), kh = head(k, b, h / groups), vh = head(v, b, h / groups), oh = head(out, b, h);
      util::onednn_sgemm('N', 'T', t, t, d, scale, qh.data, qh.row_stride, kh.data, kh.row_stride, 0.0f, s, t);
      for (int64_t row = 0; row < t; ++row)  // a query sees the keys at or before its own position
        std::fill(s + row * t + row + 1, s + (row + 1) * t, -std::numeric_limits<float>::infinity());
      auto p = probabilities.defined() ? probabilities[b][h] : scratch;  // (T,T)
      at::_softmax_out(p, scores, -1, false);
      util::onednn_sgemm('N', 'N', t, d, t, 1.0f, p.data_ptr<float>(), t, vh.data, vh.row_stride, 0.0f, oh.data,
                         oh.row_stride);
    }
  });
  return out;
}

struct CausalAttention : public torch::autograd::Function<CausalAttention> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v) {
    auto probabilities = torch::empty({q.size(0), q.size(1), q.size(2), q.size(2)}, q.options());  // (B,H,T,T)
    auto out = attention_forward(q, k, v, probabilities);
    ctx->save_for_backward({q, k, v, probabilities});
    return out;
  }

  // With P = softmax(S), S = scale q k^T, O = P v: dv = P^T dO, dP = dO v^T,
  // dS = P * (dP - rowsum(dP * P)), dq = scale dS k, dk = scale dS^T q. A kv head shared by a
  // group of query heads sums their contributions, so one task takes a whole group.
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &q = saved[0], &k = saved[1], &v = saved[2], &probabilities = saved[3];
    auto grad_out = rows_contiguous(grads[0]) ? grads[0] : grads[0].contiguous();  // (B,H,T,D)
    const int64_t heads = q.size(1), kv_heads = k.size(1), t = q.size(2), d = q.size(3);
    const int64_t groups = heads / kv_heads;
    const float scale = softmax_scale(q);
    auto grad_q = empty_heads_last(q, heads), grad_k = empty_heads_last(q, kv_heads),
         grad_v = empty_heads_last(q, kv_heads);
    at::parallel_for(0, q.size(0) * kv_heads, 1, [&](int64_t begin, int64_t end) {
      auto grad_p = torch::empty({t, t}, q.options());       // (T,T) scratch
      auto grad_scores = torch::empty({t, t}, q.options());  // (T,T) scratch
      float *gp = grad_p.data_ptr<float>(), *gs = grad_scores.data_ptr<float>();
      for (int64_t i = begin; i < end; ++i) {
        const int64_t b = i / kv_heads, kv = i % kv_heads;
        auto kh = head(k, b, kv), vh = head(v, b, kv), gk = head(grad_k, b, kv), gv = head(grad_v, b, kv);
        for (int64_t h = kv * groups; h < (kv + 1) * groups; ++h) {
          const float accumulate = h == kv * groups ? 0.0f : 1.0f;  // beta: the group's first head writes
          auto qh = head(q, b, h), go = head(grad_out, b, h), gq = head(grad_q, b, h);
          auto p = probabilities[b][h];  // (T,T)
          const float* ph = p.data_ptr<float>();
          util::onednn_sgemm('N', 'T', t, t, d, 1.0f, go.data, go.row_stride, vh.data, vh.row_stride, 0.0f, gp, t);
          util::onednn_sgemm('T', 'N', t, d, t, 1.0f, ph, t, go.data, go.row_stride, accumulate, gv.data,
                             gv.row_stride);
          at::_softmax_backward_data_out(grad_scores, grad_p, p, -1, torch::kFloat);
          util::onednn_sgemm('N', 'N', t, d, t, scale, gs, t, kh.data, kh.row_stride, 0.0f, gq.data, gq.row_stride);
          util::onednn_sgemm('T', 'N', t, d, t, scale, gs, t, qh.data, qh.row_stride, accumulate, gk.data,
                             gk.row_stride);
        }
      }
    });
    return {grad_q, grad_k, grad_v};
  }
};

}  // namespace

bool causal_attention_supported(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  for (const auto& x : {q, k, v})
    if (!x.is_cpu() || x.scalar_type() != torch::kFloat || x.dim() != 4 || x.numel() == 0 || !rows_contiguous(x))
      return false;
  return k.size(2) == q.size(2) && q.size(1) % k.size(1) == 0 && v.sizes() == k.sizes();
}

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  TORCH_CHECK(causal_attention_supported(q, k, v), "causal_attention: unsupported tensors");
  const bool needs_grad = torch::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  if (!needs_grad) return attention_forward(q, k, v, torch::Tensor());
  return CausalAttention::apply(q, k, v);
}

}  // namespace lethe::model
