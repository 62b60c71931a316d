#include "model/linear.h"

#include "util/onednn_sgemm.h"
#include "util/system.h"

namespace lethe::model {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// dW = dY^T X: (out,in) from grad (N,out) and x (N,in), on the library that is faster here.
torch::Tensor weight_gradient(const torch::Tensor& grad, const torch::Tensor& x) {
  static const bool on_torch_blas = util::blas_uses_avx512_kernels();
  if (on_torch_blas) return torch::mm(grad.t(), x);
  const int64_t n = x.size(0), in = x.size(1), out = grad.size(1);
  auto w_grad = torch::empty({out, in}, x.options());
  util::onednn_sgemm('T', 'N', out, in, n, 1.0f, grad.data_ptr<float>(), out, x.data_ptr<float>(), in, 0.0f,
                     w_grad.data_ptr<float>(), in);
  return w_grad;
}

struct OnednnLinear : public torch::autograd::Function<OnednnLinear> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& input, const torch::Tensor& weight) {
    auto x = input.reshape({-1, input.size(-1)}).contiguous();  // (N,in)
    auto w = weight.contiguous();                                // (out,in)
    const int64_t n = x.size(0), in = x.size(1), out = w.size(0);
    auto y = torch::empty({n, out}, x.options());  // (N,out)
    util::onednn_sgemm('N', 'T', n, out, in, 1.0f, x.data_ptr<float>(), in, w.data_ptr<float>(), in, 0.0f,
                       y.data_ptr<float>(), out);
    ctx->save_for_backward({x, w});
    auto sizes = input.sizes().vec();
    sizes.back() = out;
    return y.view(sizes);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &w = saved[1];  // (N,in), (out,in)
    const int64_t n = x.size(0), in = x.size(1), out = w.size(0);
    auto grad = grads[0].reshape({n, out}).contiguous();  // (N,out)
    // A frozen weight (LoRA's base) needs no gradient: its product, the costly one, is skipped.
    torch::Tensor grad_input, grad_weight;
    if (ctx->needs_input_grad(0)) {
      auto grad_x = torch::empty_like(x);  // (N,in)
      util::onednn_sgemm('N', 'N', n, in, out, 1.0f, grad.data_ptr<float>(), out, w.data_ptr<float>(), in, 0.0f,
                         grad_x.data_ptr<float>(), in);
      auto input_sizes = grads[0].sizes().vec();
      input_sizes.back() = in;
      grad_input = grad_x.view(input_sizes);
    }
    if (ctx->needs_input_grad(1)) grad_weight = weight_gradient(grad, x);
    return {grad_input, grad_weight};
  }
};

}  // namespace

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!x.is_cpu() || x.scalar_type() != torch::kFloat || weight.scalar_type() != torch::kFloat || x.numel() == 0)
    return torch::nn::functional::linear(x, weight, bias);
  auto y = OnednnLinear::apply(x, weight);
  return bias.defined() ? y + bias : y;
}

}  // namespace lethe::model
