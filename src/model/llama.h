#pragma once
// The Llama-family decoder as a libtorch module. Parameter names are Hugging Face's own
// ("model.layers.0.self_attn.q_proj.weight", "lm_head.weight"), so checkpoints map one to one.
#include <torch/torch.h>

#include "model/config.h"
#include "model/kv_cache.h"

namespace lethe::model {

class RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);  // (..., C) -> (..., C)
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RMSNorm);

// Rotary position embedding tables for given positions, in the rotate-half layout.
struct Rotary {
  torch::Tensor cos;         // (B, 1, T, D)
  torch::Tensor signed_sin;  // (B, 1, T, D): -sin on the first half, +sin on the second
};

// Inverse frequencies (D/2) with the config's rope_theta and rope_scaling, in float32. Dynamic
// scaling changes them only for a sequence longer than max_position_embeddings: sequence_length
// is the longest position + 1 of the batch, as transformers takes it.
torch::Tensor rotary_inverse_frequencies(const ModelConfig& config, int64_t sequence_length = 0);

// What yarn multiplies cos and sin by (so the attention logits by its square); 1 for other ropes.
double rotary_attention_factor(const ModelConfig& config);

class AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const ModelConfig& config);
  // x (B,T,C); attend_bias (B,1,T,S) additive (0 or -inf); layer_cache: keys/values of this layer
  // or nullptr. Returns (B,T,C).
  torch::Tensor forward(const torch::Tensor& x, const Rotary& rotary, const torch::Tensor& attend_bias,
                        KVCache* cache, int64_t layer);

  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

 private:
  int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(Attention);

class MLPImpl : public torch::nn::Module {
 public:
  explicit MLPImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x);  // SwiGLU: down(silu(gate(x)) * up(x))
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(MLP);

class DecoderLayerImpl : public torch::nn::Module {
 public:
  explicit DecoderLayerImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const Rotary& rotary, const torch::Tensor& attend_bias,
                        KVCache* cache, int64_t layer);
  Attention self_attn{nullptr};
  MLP mlp{nullptr};
  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(DecoderLayer);

// The "model." part of a Hugging Face checkpoint: embeddings, layers, final norm.
class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const ModelConfig& config);
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
};
TORCH_MODULE(Decoder);

class CausalLMImpl : public torch::nn::Module {
 public:
  explicit CausalLMImpl(ModelConfig config);

  // tokens (B,T) int64; attention_mask (B,T), 1 = real token, 0 = padding (left or right),
  // undefined = all real. With a cache, the tokens continue the cached ones and are appended.
  // Returns logits (B,T,V).
  torch::Tensor forward(const torch::Tensor& tokens, const torch::Tensor& attention_mask = {},
                        KVCache* cache = nullptr);
  // Final hidden states (B,T,C) before the output projection.
  torch::Tensor hidden_states(const torch::Tensor& tokens, const torch::Tensor& attention_mask = {},
                              KVCache* cache = nullptr);
  // The residual stream after decoder layer `layer` (0-based; Hugging Face's hidden_states[layer + 1]),
  // (B,T,C), no layer after it run: what RMU reads.
  torch::Tensor layer_output(const torch::Tensor& tokens, int64_t layer);
  torch::Tensor output_weight() const;  // (V,C): lm_head, or the embeddings when tied
  // Logits (...,V) of hidden states (...,C): callers that need a few positions project only those.
  torch::Tensor project(const torch::Tensor& hidden) const;
  // Rows of hidden states to project at once when each row of logits is reduced right away (a
  // log-probability, an argmax, a top-k): about 4M logits (16 MB in float32) whatever the
  // vocabulary, so that a 128k vocabulary never needs an (N,V) tensor of every position.
  int64_t logit_rows_per_chunk() const;

  const ModelConfig& config() const { return config_; }
  // The paper's rule applied while decoding (MUSE's version of WHP): with a reinforced model of the
  // same vocabulary attached, the logits are z - alpha ReLU(z_reinforced - z), z this model's, both
  // models reading the same tokens. hidden_states then gives the two models' states side by side,
  // (B,T,2C), and project() splits them. The attached model is frozen and never trained.
  void attach_reinforced(std::shared_ptr<CausalLMImpl> reinforced, double alpha);
  const std::shared_ptr<CausalLMImpl>& reinforced() const { return reinforced_; }
  double rule_alpha() const { return rule_alpha_; }
  // With gradients on, each decoder layer keeps only its input and runs again in backward.
  void set_activation_checkpointing(bool on) { checkpoint_layers_ = on; }

  Decoder model{nullptr};
  torch::nn::Linear lm_head{nullptr};  // null when tie_word_embeddings

 private:
  // The residual stream after the first `layers` decoder layers, before the final norm.
  torch::Tensor residual_stream(const torch::Tensor& tokens, const torch::Tensor& attention_mask, KVCache* cache,
                                int64_t layers);

  ModelConfig config_;
  std::shared_ptr<CausalLMImpl> reinforced_;  // with the decoding-time rule
  double rule_alpha_ = 0.0;
  std::unique_ptr<KVCache> reinforced_cache_;  // the reinforced model's, beside the caller's cache
  torch::Tensor inverse_frequencies_;  // (D/2) float32, on the device of the last input
  bool checkpoint_layers_ = false;
};
TORCH_MODULE(CausalLM);

// Fresh weights as Hugging Face initialises a Llama model: linear and embedding weights from
// N(0, std), biases 0, norm weights 1; seeded, so the same seed gives the same model.
void initialize_parameters(CausalLM& model, uint64_t seed, double std = 0.02);

// Mean cross-entropy of predicting token t+1 at position t, over pairs where both tokens are
// real. logits (B,T,V), tokens (B,T), attention_mask (B,T) or undefined.
torch::Tensor next_token_loss(const torch::Tensor& logits, const torch::Tensor& tokens,
                              const torch::Tensor& attention_mask = {});

}  // namespace lethe::model
