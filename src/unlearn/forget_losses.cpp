#include "unlearn/forget_losses.h"

#include "model/llama.h"

namespace lethe::unlearn {
namespace {

// Log-probabilities of the positions that predict a token: (B,L,V) -> (B,L-1,V), in float32.
torch::Tensor predicting_log_softmax(const torch::Tensor& logits) {
  return torch::log_softmax(logits.slice(1, 0, -1).to(torch::kFloat), -1);
}

// The token each predicting position predicts, as (B,L-1,1) indices.
torch::Tensor next_tokens(const torch::Tensor& tokens) { return tokens.slice(1, 1).unsqueeze(-1); }

}  // namespace

torch::Tensor block_log_probability(const torch::Tensor& logits, const torch::Tensor& tokens) {
  return predicting_log_softmax(logits).gather(-1, next_tokens(tokens)).squeeze(-1).sum(-1);  // (B)
}

torch::Tensor gradient_ascent_loss(const torch::Tensor& logits, const torch::Tensor& tokens) {
  return -model::next_token_loss(logits, tokens);
}

torch::Tensor npo_loss(const torch::Tensor& logits, const torch::Tensor& reference_logits, const torch::Tensor& tokens,
                       double beta) {
  auto log_ratio = block_log_probability(logits, tokens) - block_log_probability(reference_logits, tokens).detach();
  return (-2.0 / beta) * torch::log_sigmoid(-beta * log_ratio).mean();
}

torch::Tensor simnpo_loss(const torch::Tensor& logits, const torch::Tensor& tokens, double beta, double gamma) {
  const double predicted = static_cast<double>(tokens.size(1) - 1);
  auto mean_log_probability = block_log_probability(logits, tokens) / predicted;  // (B)
  return (-2.0 / beta) * torch::log_sigmoid(-beta * mean_log_probability - gamma).mean();
}

torch::Tensor undial_loss(const torch::Tensor& logits, const torch::Tensor& base_logits, const torch::Tensor& tokens,
                          double beta) {
  auto adjusted = base_logits.slice(1, 0, -1).to(torch::kFloat).detach().clone();  // (B,L-1,V)
  auto targets = next_tokens(tokens);                                                 // (B,L-1,1)
  adjusted.scatter_add_(-1, targets, torch::full(targets.sizes(), -beta, adjusted.options()));
  auto target = torch::softmax(adjusted, -1);
  return -(target * predicting_log_softmax(logits)).sum(-1).mean();
}

torch::Tensor kl_to_reference(const torch::Tensor& logits, const torch::Tensor& reference_logits) {
  auto reference = torch::log_softmax(reference_logits.to(torch::kFloat), -1).detach();
  auto current = torch::log_softmax(logits.to(torch::kFloat), -1);
  return (reference.exp() * (reference - current)).sum(-1).mean();
}

}  // namespace lethe::unlearn
