#include "unlearn/resource_plan.h"

#include <algorithm>
#include <functional>

namespace lethe::unlearn {
namespace {

constexpr double kFloat = 4.0;  // bytes: lethe trains, labels and keeps optimizer states in float32

// Floats per token that one decoder layer keeps for backward: the norms' inputs and outputs, the
// products' inputs, the rotated q and k, q, k and v for attention with its (H,T) probabilities,
// and SwiGLU's gate, its silu and up, and their product.
double layer_floats_per_token(const model::ModelConfig& m, int64_t length) {
  const double c = m.hidden_size, i = m.intermediate_size, d = m.head_dim;
  const double h = m.num_attention_heads, kv = m.num_key_value_heads;
  return 6 * c + (2 * h + 3 * kv) * d + h * static_cast<double>(length) + 4 * i;
}

// Bytes of what a training micro-batch keeps for backward: every layer's activations, or with
// checkpointing every layer's input and one layer recomputed; and the logits, their
// log-probabilities and their gradient (3 V per token).
double training_activations(const model::ModelConfig& m, double tokens, int64_t length, bool checkpointing) {
  const double layer = layer_floats_per_token(m, length), layers = static_cast<double>(m.num_hidden_layers);
  const double kept = checkpointing ? layers * m.hidden_size + layer : layers * layer;
  return kFloat * tokens * (kept + 3.0 * m.vocab_size);
}

// FLOPs per token and parameter of a training step: forward 2, backward 4 (2 for the inputs'
// gradients, 2 for the weights'; LoRA's adapters need almost none of the latter), and 2 more to
// recompute the forward under checkpointing.
double training_flops_per_token(bool lora, bool checkpointing) { return (lora ? 4.0 : 6.0) + (checkpointing ? 2.0 : 0.0); }

}  // namespace

int64_t trained_parameter_count(const model::ModelConfig& m, const PipelineConfig& c) {
  if (!c.lora) return m.parameter_count();
  const int64_t hidden = m.hidden_size, inner = m.intermediate_size;
  const int64_t q = m.num_attention_heads * m.head_dim, kv = m.num_key_value_heads * m.head_dim;
  int64_t per_layer = 0;
  for (const auto& target : c.lora->targets) {
    const int64_t in_plus_out = target == "q_proj" || target == "o_proj"       ? hidden + q
                                : target == "k_proj" || target == "v_proj"     ? hidden + kv
                                                                               : hidden + inner;  // gate, up, down
    per_layer += c.lora->rank * in_plus_out;
  }
  return per_layer * m.num_hidden_layers;
}

// Labels: the base and the reinforced model in float32, without gradients.
StagePlan label_stage(const model::ModelConfig& m, const PipelineConfig& c, double p, double forget, int64_t length,
                      const std::function<double(double)>& seconds) {
  // Per batch, the final hidden states of the original and of each translation, their logits a
  // few rows at a time (about 4M floats per model, model/llama.h), and one layer's transient tensors.
  StagePlan labels;
  labels.name = "labels";
  labels.weights = kFloat * p;
  labels.other_models = kFloat * p;
  const double sequences = static_cast<double>(c.labels.batch_size * (1 + c.labels.translations));
  labels.activations = kFloat * (sequences * length * (m.hidden_size + 3.0 * m.intermediate_size + 4.0 * m.hidden_size) +
                                 (1 + c.labels.translations) * double(int64_t{1} << 22));
  labels.flops = 2.0 * p * forget * (1 + c.labels.translations);
  labels.seconds = seconds(labels.flops);
  return labels;
}

ResourcePlan plan_resources(const model::ModelConfig& m, const PipelineConfig& c, int64_t forget_tokens,
                            const Hardware& hw, int64_t retain_batch_size) {
  ResourcePlan plan;
  plan.parameters = m.parameter_count();
  plan.trained_parameters = trained_parameter_count(m, c);
  plan.forget_tokens = forget_tokens;
  const double p = static_cast<double>(plan.parameters), trained = static_cast<double>(plan.trained_parameters);
  const double n = static_cast<double>(hw.devices), forget = static_cast<double>(forget_tokens);
  const int64_t length = std::min(c.block_length, m.max_position_embeddings);
  const bool lora = c.lora.has_value(), checkpointing = c.activation_checkpointing;
  const double frozen_bytes = lora && c.lora->frozen_dtype != "float32" ? 2.0 : kFloat;
  // Each process runs accumulation / devices micro-batches of batch_size blocks per step.
  const double micro_tokens = static_cast<double>(c.batch_size * length);
  auto seconds = [&](double flops) { return flops / (n * hw.peak_tflops * 1e12 * hw.mfu); };

  auto training_stage = [&](const std::string& name, double tokens, double extra_tokens_per_micro) {
    StagePlan s;
    s.name = name;
    s.weights = lora ? frozen_bytes * p + kFloat * trained : kFloat * p;
    s.gradients = kFloat * trained / (c.zero_stage >= 2 ? n : 1.0);
    s.optimizer = 2 * kFloat * trained / (c.zero_stage >= 1 ? n : 1.0);  // AdamW's two moments
    s.activations = training_activations(m, micro_tokens + extra_tokens_per_micro, length, checkpointing);
    s.flops = training_flops_per_token(lora, checkpointing) * p * tokens;
    return s;
  };

  // The stages of the method (pipeline.h): the paper's family reinforces, labels and fine-tunes;
  // task-vector reinforces and subtracts; whp-decoding reinforces and writes a rule (both models
  // are then loaded to decode, which lethe plan does not plan); the field's fine-tuning methods
  // only fine-tune.
  const MethodFamily family = method_family(c.method);
  if (family != MethodFamily::forget_loss) {
    StagePlan reinforce = training_stage("reinforce", c.reinforce_epochs * forget, 0);
    reinforce.seconds = seconds(reinforce.flops);
    plan.stages.push_back(reinforce);
  }
  if (family == MethodFamily::generic_labels) plan.stages.push_back(label_stage(m, c, p, forget, length, seconds));
  if (family == MethodFamily::task_vector) {  // the base and the reinforced model, weight by weight
    StagePlan task_vector;
    task_vector.name = "task vector";
    task_vector.weights = kFloat * p;
    task_vector.other_models = kFloat * p;
    plan.stages.push_back(task_vector);
  } else if (family != MethodFamily::decoding_rule) {
    // Fine-tune: with a retain term, retain blocks through the model (and for KL through the frozen
    // base, float32); NPO and UNDIAL read the frozen base on the forget blocks too.
    const bool retain = c.retain_weight > 0, retain_kl = retain && c.retain_loss == RetainLoss::kl;
    const bool base_on_forget = family == MethodFamily::forget_loss && (c.forget_loss.method == ForgetMethod::npo ||
                                                                       c.forget_loss.method == ForgetMethod::undial);
    const bool rmu = family == MethodFamily::forget_loss && c.forget_loss.method == ForgetMethod::rmu;
    const double retain_micro = retain ? static_cast<double>(retain_batch_size * length) : 0.0;
    const double finetune_tokens = c.finetune_epochs * forget;
    StagePlan finetune = training_stage("fine-tune", finetune_tokens, retain_micro);
    if (retain_kl || base_on_forget || rmu) finetune.other_models = kFloat * p;  // the frozen base
    if (retain) {
      const double retain_tokens = finetune_tokens * retain_micro / micro_tokens;
      finetune.flops += (training_flops_per_token(lora, checkpointing) + (retain_kl ? 2.0 : 0.0)) * p * retain_tokens;
    }
    if (base_on_forget) finetune.flops += 2.0 * p * finetune_tokens;
    finetune.seconds = seconds(finetune.flops);
    plan.stages.push_back(finetune);
  }

  if (c.distill_alpha >= 0) {  // the student trains while the teacher reads the same text
    const double tokens = static_cast<double>(c.distill_tokens);
    StagePlan distill = training_stage("distill", tokens, 0);
    distill.other_models = kFloat * p;
    distill.activations += kFloat * micro_tokens * m.vocab_size;  // the teacher's logits
    distill.flops += 2.0 * p * tokens;
    distill.seconds = seconds(distill.flops);
    plan.stages.push_back(distill);
  }
  return plan;
}

}  // namespace lethe::unlearn
