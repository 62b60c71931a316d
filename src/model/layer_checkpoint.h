#pragma once
// Activation checkpointing of one decoder layer: forward keeps only the layer's input, and
// backward runs the layer again to differentiate it. A model of N layers then holds N inputs of
// (B,T,C) instead of every intermediate tensor of every layer, for about a third more compute.
#include <torch/torch.h>

#include "model/llama.h"

namespace lethe::model {

// layer(x, rotary, attend_bias) (B,T,C) without a cache, its activations recomputed in backward.
torch::Tensor checkpointed_layer(DecoderLayerImpl& layer, const torch::Tensor& x, const Rotary& rotary,
                                 const torch::Tensor& attend_bias);

}  // namespace lethe::model
