#pragma once
// Distillation into a damaged copy (UNDO, Lee et al. 2025): forgetting that survives relearning.
// A fine-tuned unlearner keeps the knowledge in its weights and only hides it, so a few steps on
// the forgotten text bring it back. UNDO copies the unlearned model's behaviour, not its weights,
// into a student that starts as the base pushed towards a fresh initialisation (shrink and
// perturb), trained on text that holds none of the forgotten content: what the teacher no longer
// shows is never taught, and what was in the base weights is partly destroyed by the noise.
#include <cstdint>

#include "model/llama.h"
#include "train/token_blocks.h"
#include "train/trainer.h"

namespace lethe::unlearn {

// theta <- (1 - alpha) * theta + alpha * theta_init, theta_init the initialisation pretraining
// uses (model::initialize_parameters with seed and init_std: norms 1, biases 0, matrices normal).
// alpha 0 leaves the model as it is, bit for bit; alpha 1 is the fresh initialisation itself.
void shrink_and_perturb(model::CausalLM& model, double alpha, uint64_t seed, double init_std = 0.02);

// Forward KL(teacher || student), summed over the vocabulary and averaged over positions:
// sum_v p_t(v) (log p_t(v) - log p_s(v)). top_k > 0 keeps the teacher's k likeliest tokens,
// renormalised, against the student's full-vocabulary log-probabilities. Logits (B,T,V).
torch::Tensor distillation_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits,
                                int64_t top_k = 0);

// Trains student towards teacher's next-token distributions on every position of `text`'s blocks.
train::TrainStatus distill(model::CausalLM& student, model::CausalLM teacher, const train::TokenBlocks& text,
                           int64_t top_k, train::TrainerOptions trainer);

// Training FLOPs of a model of `parameters` on `tokens` tokens: 6 * parameters * tokens.
double training_flops(int64_t parameters, int64_t tokens);

}  // namespace lethe::unlearn
