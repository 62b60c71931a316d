#include "unlearn/distillation.h"

#include "util/error.h"

namespace lethe::unlearn {

void shrink_and_perturb(model::CausalLM& model, double alpha, uint64_t seed, double init_std) {
  if (!(alpha >= 0.0 && alpha <= 1.0)) throw Error("shrink and perturb: alpha must be in [0, 1]");
  if (alpha == 0.0) return;
  model::CausalLM fresh(model->config());
  model::initialize_parameters(fresh, seed, init_std);
  torch::NoGradGuard no_grad;
  auto fresh_parameters = fresh->named_parameters();
  for (auto& p : model->named_parameters()) {
    const torch::Tensor init = fresh_parameters[p.key()].to(p.value().device(), p.value().scalar_type());
    if (alpha == 1.0) {
      p.value().copy_(init);
    } else {
      p.value().lerp_(init, alpha);
    }
  }
}

torch::Tensor distillation_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits, int64_t top_k) {
  const int64_t vocab = student_logits.size(-1);
  auto student = torch::log_softmax(student_logits.to(torch::kFloat).reshape({-1, vocab}), -1);  // (N,V)
  auto teacher = torch::log_softmax(teacher_logits.to(torch::kFloat).reshape({-1, vocab}), -1);  // (N,V)
  if (top_k > 0 && top_k < vocab) {
    auto [kept, ids] = teacher.topk(top_k, -1);                  // (N,k)
    auto renormalised = torch::log_softmax(kept, -1);            // (N,k)
    auto student_kept = student.gather(1, ids);                  // (N,k)
    return (renormalised.exp() * (renormalised - student_kept)).sum(-1).mean();
  }
  return (teacher.exp() * (teacher - student)).sum(-1).mean();
}

train::TrainStatus distill(model::CausalLM& student, model::CausalLM teacher, const train::TokenBlocks& text,
                           int64_t top_k, train::TrainerOptions trainer) {
  teacher->eval();
  auto loss = [teacher, top_k](model::CausalLM& model, const torch::Tensor& blocks, int64_t) mutable {
    torch::Tensor teacher_logits;
    {
      torch::NoGradGuard no_grad;
      teacher_logits = teacher->forward(blocks);  // (B,L,V)
    }
    return distillation_loss(model->forward(blocks), teacher_logits, top_k);
  };
  train::Trainer t(student, std::move(trainer), loss);
  return t.run(text);
}

double training_flops(int64_t parameters, int64_t tokens) {
  return 6.0 * static_cast<double>(parameters) * static_cast<double>(tokens);
}

}  // namespace lethe::unlearn
