#include "model/layer_checkpoint.h"

namespace lethe::model {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct CheckpointedLayer : public torch::autograd::Function<CheckpointedLayer> {
  // cos and signed_sin: the rotary tables; bias: the attention bias, none for plain causal
  // attention (an optional, since autograd functions take no undefined tensors as inputs).
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& cos,
                               const torch::Tensor& signed_sin, const c10::optional<torch::Tensor>& bias,
                               DecoderLayerImpl* layer) {
    // The layer outlives the step's backward (it is part of the model being trained), so its
    // address is what backward needs to run it again.
    ctx->saved_data["layer"] = reinterpret_cast<int64_t>(layer);
    ctx->saved_data["bias"] = bias;
    ctx->save_for_backward({x, cos, signed_sin});
    // The layer runs as it will run again in backward (with gradients on, it fuses its products),
    // so backward differentiates the very function computed here; the graph is dropped at once.
    torch::AutoGradMode with_gradients(true);
    return layer->forward(x.detach(), {cos, signed_sin}, bias.value_or(torch::Tensor()), nullptr, 0).detach();
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto* layer = reinterpret_cast<DecoderLayerImpl*>(ctx->saved_data["layer"].toInt());
    auto saved = ctx->get_saved_variables();
    auto x = saved[0].detach().requires_grad_(true);
    const auto& saved_bias = ctx->saved_data["bias"];
    torch::Tensor bias = saved_bias.isNone() ? torch::Tensor() : saved_bias.toTensor();
    torch::AutoGradMode with_gradients(true);
    auto y = layer->forward(x, {saved[1], saved[2]}, bias, nullptr, 0);
    // The layer's weights receive their gradients here, added to what they hold, as in any backward.
    torch::autograd::backward({y}, {grads[0]});
    return {x.grad(), {}, {}, {}, {}};
  }
};

}  // namespace

torch::Tensor checkpointed_layer(DecoderLayerImpl& layer, const torch::Tensor& x, const Rotary& rotary,
                                 const torch::Tensor& attend_bias) {
  // Backward reaches the layer only through an input that needs a gradient: with frozen embeddings
  // (LoRA) the first layer's input gets one, computed and dropped, so its adapters still learn.
  auto input = x.requires_grad() ? x : x.detach().requires_grad_(true);
  c10::optional<torch::Tensor> bias;
  if (attend_bias.defined()) bias = attend_bias;
  return CheckpointedLayer::apply(input, rotary.cos, rotary.signed_sin, bias, &layer);
}

}  // namespace lethe::model
