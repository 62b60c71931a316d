#include "model/llama.h"

#include "model/causal_attention.h"
#include "model/layer_checkpoint.h"
#include "model/lora.h"
#include "model/linear.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include <cmath>
#include <limits>

namespace lethe::model {
namespace F = torch::nn::functional;

RMSNormImpl::RMSNormImpl(int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  // Normalise in float32 even for bf16 weights, as Hugging Face does.
  auto x32 = x.to(torch::kFloat);
  auto normed = x32 * torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps_);
  return weight * normed.to(x.scalar_type());
}

namespace {

// llama3: long wavelengths are slowed by `factor`, short ones kept, the band between blended.
torch::Tensor llama3_frequencies(const RopeScaling& s, const torch::Tensor& inv) {
  const double old_context = static_cast<double>(s.original_max_position_embeddings);
  const double low_wavelength = old_context / s.low_freq_factor;
  const double high_wavelength = old_context / s.high_freq_factor;
  auto wavelength = 2 * M_PI / inv;
  auto scaled = torch::where(wavelength > low_wavelength, inv / s.factor, inv);
  auto smooth = (old_context / wavelength - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
  auto blended = (1 - smooth) * scaled / s.factor + smooth * scaled;
  auto medium = (wavelength >= high_wavelength).logical_and(wavelength <= low_wavelength);
  return torch::where(medium, blended, scaled);
}

// yarn: frequencies that turn more than beta_fast times over the original context are kept, those
// that turn fewer than beta_slow times are divided by `factor`, a linear ramp over the dimensions
// between.
torch::Tensor yarn_frequencies(const ModelConfig& c, const torch::Tensor& inv) {
  const RopeScaling& s = *c.rope_scaling;
  const double d = static_cast<double>(c.head_dim);
  const double context = static_cast<double>(s.original_max_position_embeddings > 0 ? s.original_max_position_embeddings
                                                                                    : c.max_position_embeddings);
  auto dimension_turning = [&](double turns) {
    return d * std::log(context / (turns * 2 * M_PI)) / (2 * std::log(c.rope_theta));
  };
  double low = dimension_turning(s.beta_fast), high = dimension_turning(s.beta_slow);
  if (s.truncate) low = std::floor(low), high = std::ceil(high);
  low = std::max(low, 0.0), high = std::min(high, d - 1);
  if (low == high) high += 0.001;
  auto scaled_share = ((torch::arange(c.head_dim / 2, torch::kFloat) - low) / (high - low)).clamp(0, 1);  // (D/2)
  return inv / s.factor * scaled_share + inv * (1 - scaled_share);
}

// dynamic (NTK-aware): past the context, rope_theta grows with the sequence.
torch::Tensor dynamic_frequencies(const ModelConfig& c, const torch::Tensor& exponents, int64_t sequence_length) {
  const RopeScaling& s = *c.rope_scaling;
  const double d = static_cast<double>(c.head_dim);
  const double stretch = s.factor * static_cast<double>(sequence_length) / static_cast<double>(c.max_position_embeddings);
  const double base = c.rope_theta * std::pow(stretch - (s.factor - 1), d / (d - 2));
  return 1.0 / torch::pow(base, exponents);
}

}  // namespace

torch::Tensor rotary_inverse_frequencies(const ModelConfig& config, int64_t sequence_length) {
  const int64_t d = config.head_dim;
  auto exponents = torch::arange(0, d, 2, torch::kLong).to(torch::kFloat) / static_cast<double>(d);
  auto inv = 1.0 / torch::pow(config.rope_theta, exponents);  // (D/2)
  if (!config.rope_scaling) return inv;
  const RopeScaling& s = *config.rope_scaling;
  if (s.type == "linear") return inv / s.factor;
  if (s.type == "llama3") return llama3_frequencies(s, inv);
  if (s.type == "yarn") return yarn_frequencies(config, inv);
  if (sequence_length > config.max_position_embeddings) return dynamic_frequencies(config, exponents, sequence_length);
  return inv;
}

double rotary_attention_factor(const ModelConfig& config) {
  if (!config.rope_scaling || config.rope_scaling->type != "yarn") return 1.0;
  const RopeScaling& s = *config.rope_scaling;
  if (s.attention_factor) return *s.attention_factor;
  auto mscale = [&](double m) { return s.factor <= 1 ? 1.0 : 0.1 * m * std::log(s.factor) + 1.0; };
  if (s.mscale != 0 && s.mscale_all_dim != 0) return mscale(s.mscale) / mscale(s.mscale_all_dim);
  return mscale(1.0);
}

namespace {

torch::nn::Linear make_linear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

// The layer's product through model::linear rather than torch's, plus its LoRA adapter if it has one.
torch::Tensor run_linear(const torch::nn::Linear& layer, const torch::Tensor& x) {
  auto y = model::linear(x, layer->weight, layer->bias);
  if (auto adapter = lora_of(layer)) y = y + adapter(x);
  return y;
}

// x * cos + rotate_half(x) * sin, with rotate_half(x) * sin == roll(x, D/2) * signed_sin: three
// passes over x instead of five.
torch::Tensor apply_rotary(const torch::Tensor& x, const Rotary& r) {
  return torch::addcmul(x * r.cos, x.roll(x.size(-1) / 2, -1), r.signed_sin);
}

// x (...,C) times several linear layers at once: (...,sum of their outputs).
torch::Tensor fused_linear(const torch::Tensor& x, std::initializer_list<torch::nn::Linear> layers) {
  std::vector<torch::Tensor> weights, biases;
  for (const auto& layer : layers) {
    weights.push_back(layer->weight);
    if (layer->bias.defined()) biases.push_back(layer->bias);
  }
  return model::linear(x, torch::cat(weights), biases.empty() ? torch::Tensor() : torch::cat(biases));
}

// (B,H_kv,S,D) -> (B,H_kv*groups,S,D), head h reading kv head h / groups.
torch::Tensor repeat_kv(const torch::Tensor& x, int64_t groups) {
  if (groups == 1) return x;
  auto s = x.sizes();
  return x.unsqueeze(2).expand({s[0], s[1], groups, s[2], s[3]}).reshape({s[0], s[1] * groups, s[2], s[3]});
}

// Scaled dot-product attention. q (B,H,T,D), k/v (B,Hkv,S,D), bias (B,1,T,S) additive or
// undefined for plain causal attention over T == S. Returns (B,H,T,D).
torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                     const torch::Tensor& bias) {
  if (!bias.defined() && causal_attention_supported(q, k, v)) return causal_attention(q, k, v);
  const int64_t groups = q.size(1) / k.size(1);
  auto keys = repeat_kv(k, groups), values = repeat_kv(v, groups);  // (B,H,S,D)
#if TORCH_VERSION_MAJOR >= 2
  if (bias.defined()) return at::scaled_dot_product_attention(q, keys, values, bias);
  return at::scaled_dot_product_attention(q, keys, values, {}, 0.0, /*is_causal=*/true);
#else
  const int64_t b = q.size(0), h = q.size(1), t = q.size(2), s = k.size(2), d = q.size(3);
  torch::Tensor bias3;  // broadcastable to (B*H,T,S)
  if (bias.defined()) {
    bias3 = bias.expand({b, h, t, s}).reshape({b * h, t, s});
  } else {
    bias3 = torch::full({1, t, s}, -std::numeric_limits<float>::infinity(), q.options()).triu(1);
  }
  // One pass computes scale * q k^T + bias (matmul, division and masking would take three).
  auto scores = torch::baddbmm(bias3, q.reshape({b * h, t, d}), keys.reshape({b * h, s, d}).transpose(1, 2),
                               /*beta=*/1.0, /*alpha=*/1.0 / std::sqrt(static_cast<double>(d)));  // (B*H,T,S)
  return torch::bmm(torch::softmax(scores, -1), values.reshape({b * h, s, d})).view({b, h, t, d});
#endif
}

}  // namespace

AttentionImpl::AttentionImpl(const ModelConfig& c)
    : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads), head_dim_(c.head_dim) {
  q_proj = register_module("q_proj", make_linear(c.hidden_size, heads_ * head_dim_, c.qkv_bias));
  k_proj = register_module("k_proj", make_linear(c.hidden_size, kv_heads_ * head_dim_, c.qkv_bias));
  v_proj = register_module("v_proj", make_linear(c.hidden_size, kv_heads_ * head_dim_, c.qkv_bias));
  o_proj = register_module("o_proj", make_linear(heads_ * head_dim_, c.hidden_size, c.o_proj_bias));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const Rotary& rotary, const torch::Tensor& attend_bias,
                                     KVCache* cache, int64_t layer) {
  const int64_t b = x.size(0), t = x.size(1);
  torch::Tensor q, k, v;
  if (torch::GradMode::is_enabled() && q_proj->weight.requires_grad()) {
    // Training all weights: one product with the three weights side by side runs faster than three (and its
    // backward sums the input gradients inside the product). The weights change every step, so
    // the concatenation cannot be cached; without gradients it would be a copy of the weights
    // per call, so inference keeps the three products.
    auto fused = fused_linear(x, {q_proj, k_proj, v_proj});  // (B,T,(H+2Hkv)D)
    auto parts = fused.split({heads_ * head_dim_, kv_heads_ * head_dim_, kv_heads_ * head_dim_}, -1);
    q = parts[0], k = parts[1], v = parts[2];
  } else {
    q = run_linear(q_proj, x), k = run_linear(k_proj, x), v = run_linear(v_proj, x);
  }
  q = q.view({b, t, heads_, head_dim_}).transpose(1, 2);     // (B,H,T,D)
  k = k.view({b, t, kv_heads_, head_dim_}).transpose(1, 2);  // (B,Hkv,T,D)
  v = v.view({b, t, kv_heads_, head_dim_}).transpose(1, 2);  // (B,Hkv,T,D)
  q = apply_rotary(q, rotary);
  k = apply_rotary(k, rotary);
  if (cache != nullptr) {
    const int64_t start = cache->length, end = start + t;
    cache->keys[layer].narrow(2, start, t).copy_(k);
    cache->values[layer].narrow(2, start, t).copy_(v);
    k = cache->keys[layer].narrow(2, 0, end);  // (B,Hkv,S,D)
    v = cache->values[layer].narrow(2, 0, end);
  }
  auto y = attend(q, k, v, attend_bias);  // (B,H,T,D)
  return run_linear(o_proj, y.transpose(1, 2).reshape({b, t, heads_ * head_dim_}));
}

MLPImpl::MLPImpl(const ModelConfig& c) {
  gate_proj = register_module("gate_proj", make_linear(c.hidden_size, c.intermediate_size, c.mlp_bias));
  up_proj = register_module("up_proj", make_linear(c.hidden_size, c.intermediate_size, c.mlp_bias));
  down_proj = register_module("down_proj", make_linear(c.intermediate_size, c.hidden_size, c.mlp_bias));
}

torch::Tensor MLPImpl::forward(const torch::Tensor& x) {
  if (torch::GradMode::is_enabled() && gate_proj->weight.requires_grad()) {  // one product, as in attention
    auto halves = fused_linear(x, {gate_proj, up_proj}).chunk(2, -1);
    return run_linear(down_proj, F::silu(halves[0]) * halves[1]);
  }
  return run_linear(down_proj, F::silu(run_linear(gate_proj, x)) * run_linear(up_proj, x));
}

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& c) {
  self_attn = register_module("self_attn", Attention(c));
  mlp = register_module("mlp", MLP(c));
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm = register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x, const Rotary& rotary,
                                        const torch::Tensor& attend_bias, KVCache* cache, int64_t layer) {
  auto h = x + self_attn(input_layernorm(x), rotary, attend_bias, cache, layer);
  return h + mlp(post_attention_layernorm(h));
}

DecoderImpl::DecoderImpl(const ModelConfig& c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(DecoderLayer(c));
  norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

CausalLMImpl::CausalLMImpl(ModelConfig config) : config_(std::move(config)) {
  model = register_module("model", Decoder(config_));
  if (!config_.tie_word_embeddings)
    lm_head = register_module("lm_head", make_linear(config_.hidden_size, config_.vocab_size, false));
  // Not a registered buffer: a cast of the module to bf16 must not round the frequencies.
  inverse_frequencies_ = rotary_inverse_frequencies(config_);
}

torch::Tensor CausalLMImpl::output_weight() const {
  return lm_head ? lm_head->weight : model->embed_tokens->weight;
}

namespace {

// Rotary tables for positions (B,T).
Rotary rotary_tables(const torch::Tensor& positions, const torch::Tensor& inverse_frequencies, double attention_factor,
                     torch::Dtype dtype) {
  auto freqs = positions.to(torch::kFloat).unsqueeze(-1) * inverse_frequencies;  // (B,T,D/2)
  auto cos = freqs.cos(), sin = freqs.sin();
  if (attention_factor != 1.0) cos = cos * attention_factor, sin = sin * attention_factor;
  return {torch::cat({cos, cos}, -1).unsqueeze(1).to(dtype),    // (B,1,T,D)
          torch::cat({-sin, sin}, -1).unsqueeze(1).to(dtype)};
}

// Additive attention bias (B,1,T,S) for T new tokens after `past` cached slots: a query sees
// real keys at or before its own slot, and always itself (so padded queries stay finite).
torch::Tensor attention_bias(const torch::Tensor& key_valid, int64_t past, int64_t t, torch::Dtype dtype) {
  const int64_t s = past + t;
  auto options = torch::TensorOptions().device(key_valid.device());
  auto query_slot = torch::arange(past, s, options.dtype(torch::kLong)).unsqueeze(1);  // (T,1)
  auto key_slot = torch::arange(0, s, options.dtype(torch::kLong)).unsqueeze(0);       // (1,S)
  auto allowed = (key_slot <= query_slot).unsqueeze(0).logical_and(key_valid.unsqueeze(1));  // (B,T,S)
  allowed = allowed.logical_or((key_slot == query_slot).unsqueeze(0));
  auto bias = torch::zeros(allowed.sizes(), options.dtype(dtype));
  return bias.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity()).unsqueeze(1);
}

}  // namespace

torch::Tensor CausalLMImpl::hidden_states(const torch::Tensor& tokens, const torch::Tensor& attention_mask,
                                          KVCache* cache) {
  KVCache* reinforced_cache = nullptr;
  if (reinforced_ && cache) {
    if (cache->length == 0)  // a new sequence: the reinforced model's cache starts with it
      reinforced_cache_ = std::make_unique<KVCache>(reinforced_->config(), tokens.size(0), cache->capacity,
                                                    reinforced_->output_weight().scalar_type(), tokens.device());
    TORCH_CHECK(reinforced_cache_ && reinforced_cache_->length == cache->length,
                "the decoding rule's caches disagree: start each sequence with an empty cache");
    reinforced_cache = reinforced_cache_.get();
  }
  auto hidden = model->norm(residual_stream(tokens, attention_mask, cache, static_cast<int64_t>(model->layers->size())));
  if (!reinforced_) return hidden;  // (B,T,C)
  return torch::cat({hidden, reinforced_->hidden_states(tokens, attention_mask, reinforced_cache)}, -1);  // (B,T,2C)
}

void CausalLMImpl::attach_reinforced(std::shared_ptr<CausalLMImpl> reinforced, double alpha) {
  TORCH_CHECK(reinforced->config().vocab_size == config_.vocab_size, "the reinforced model's vocabulary differs");
  for (auto& p : reinforced->parameters()) p.set_requires_grad(false);
  reinforced->eval();
  reinforced_ = std::move(reinforced);
  rule_alpha_ = alpha;
}

torch::Tensor CausalLMImpl::layer_output(const torch::Tensor& tokens, int64_t layer) {
  TORCH_CHECK(layer >= 0 && layer < static_cast<int64_t>(model->layers->size()), "layer ", layer, " out of range");
  return residual_stream(tokens, {}, nullptr, layer + 1);
}

torch::Tensor CausalLMImpl::residual_stream(const torch::Tensor& tokens, const torch::Tensor& attention_mask,
                                            KVCache* cache, int64_t layers) {
  const int64_t b = tokens.size(0), t = tokens.size(1);
  const auto dtype = model->embed_tokens->weight.scalar_type();
  const int64_t past = cache ? cache->length : 0;
  TORCH_CHECK(!cache || past + t <= cache->capacity, "KV cache capacity exceeded");
  auto mask = attention_mask.defined() ? attention_mask.to(torch::kLong)
                                       : torch::ones({b, t}, tokens.options().dtype(torch::kLong));
  auto positions = (mask.cumsum(1) - 1).clamp_min(0);  // (B,T)
  if (cache) positions = positions + cache->real_tokens.unsqueeze(1);
  if (inverse_frequencies_.device() != tokens.device()) inverse_frequencies_ = inverse_frequencies_.to(tokens.device());
  torch::Tensor inverse_frequencies = inverse_frequencies_;
  if (config_.rope_scaling && config_.rope_scaling->type == "dynamic") {
    const int64_t length = positions.max().item<int64_t>() + 1;
    if (length > config_.max_position_embeddings)
      inverse_frequencies = rotary_inverse_frequencies(config_, length).to(tokens.device());
  }
  Rotary rotary = rotary_tables(positions, inverse_frequencies, rotary_attention_factor(config_), dtype);

  torch::Tensor bias;  // undefined: plain causal attention, the fast path of training
  if (cache || attention_mask.defined()) {
    auto key_valid = mask.to(torch::kBool);
    if (cache) {
      cache->key_valid.narrow(1, past, t).copy_(key_valid);
      key_valid = cache->key_valid.narrow(1, 0, past + t);
    }
    bias = attention_bias(key_valid, past, t, dtype);
  }

  auto x = model->embed_tokens(tokens);  // (B,T,C)
  const bool checkpoint = checkpoint_layers_ && torch::GradMode::is_enabled() && !cache;
  for (int64_t i = 0; i < layers; ++i) {
    auto* layer = model->layers[i]->as<DecoderLayer>();
    x = checkpoint ? checkpointed_layer(*layer, x, rotary, bias) : layer->forward(x, rotary, bias, cache, i);
  }
  if (cache) {
    cache->length += t;
    cache->real_tokens += mask.sum(1);
  }
  return x;
}

torch::Tensor CausalLMImpl::forward(const torch::Tensor& tokens, const torch::Tensor& attention_mask,
                                    KVCache* cache) {
  return project(hidden_states(tokens, attention_mask, cache));  // (B,T,V)
}

torch::Tensor CausalLMImpl::project(const torch::Tensor& hidden) const {
  if (!reinforced_) return model::linear(hidden, output_weight());
  const int64_t c = config_.hidden_size;
  auto z = model::linear(hidden.narrow(-1, 0, c), output_weight());
  auto z_reinforced = reinforced_->project(hidden.narrow(-1, c, hidden.size(-1) - c));
  return z - rule_alpha_ * torch::relu(z_reinforced - z);
}

int64_t CausalLMImpl::logit_rows_per_chunk() const {
  return std::max<int64_t>(1, (int64_t{1} << 22) / config_.vocab_size);
}

void initialize_parameters(CausalLM& model, uint64_t seed, double std) {
  torch::NoGradGuard no_grad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (auto& p : model->named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor& value = p.value();
    if (name.find("norm.weight") != std::string::npos) {
      value.fill_(1.0);
    } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0) {
      value.zero_();
    } else {
      // Drawn on the CPU with our generator, so the model is the same on every device.
      value.copy_(at::normal(0.0, std, value.sizes(), generator, torch::TensorOptions().dtype(torch::kFloat)));
    }
  }
}

torch::Tensor next_token_loss(const torch::Tensor& logits, const torch::Tensor& tokens,
                              const torch::Tensor& attention_mask) {
  const int64_t t = tokens.size(1);
  // Targets aligned with the logits, the last position ignored: the logits are used whole, with
  // no copy of the (B,T-1,V) slice.
  auto targets = torch::full_like(tokens, -100);  // (B,T)
  auto next = tokens.narrow(1, 1, t - 1);
  if (attention_mask.defined()) {
    auto m = attention_mask.to(torch::kBool);
    auto both_real = m.narrow(1, 1, t - 1).logical_and(m.narrow(1, 0, t - 1));
    next = next.masked_fill(both_real.logical_not(), -100);
  }
  targets.narrow(1, 0, t - 1).copy_(next);
  auto predictions = logits.reshape({-1, logits.size(-1)}).to(torch::kFloat);  // (B*T,V)
  return F::cross_entropy(predictions, targets.reshape({-1}), F::CrossEntropyFuncOptions().ignore_index(-100));
}

}  // namespace lethe::model
