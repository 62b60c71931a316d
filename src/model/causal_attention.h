#pragma once
// Causal scaled dot-product attention on the CPU as one autograd function, one task per head.
#include <torch/torch.h>

namespace lethe::model {

// Whether causal_attention runs on these tensors: float32 on the CPU, rows contiguous, as many
// keys as queries.
bool causal_attention_supported(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);

// q (B,H,T,D), k and v (B,Hkv,T,D) with H a multiple of Hkv (query head h reads kv head
// h / (H / Hkv)) -> softmax(q k^T / sqrt(D) + causal mask) v (B,H,T,D), returned as a view of a
// (B,T,H,D) tensor so that the heads merge without a copy.
//
// Each head's two products (oneDNN, on one thread), mask and softmax run as one task: the (T,T)
// scores stay in cache, and the many small products run side by side instead of each being split
// over the threads (torch 1.13's bmm ran them at half the machine's sgemm rate). Without
// gradients no (B,H,T,T) tensor is kept; with them the probabilities are saved for backward.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);

}  // namespace lethe::model
