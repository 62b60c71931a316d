#include "train/sharpness_aware.h"

#include <cmath>

namespace lethe::train {

double sharpness_aware_gradient(const std::vector<torch::Tensor>& trained, double rho,
                                const std::function<double()>& accumulate_gradients) {
  const double loss = accumulate_gradients();
  double squares = 0.0;
  for (const auto& p : trained)
    if (p.grad().defined()) squares += std::pow(p.grad().norm().item<double>(), 2);
  const double scale = rho / (std::sqrt(squares) + 1e-12);
  std::vector<torch::Tensor> theta;  // the weights before the move, restored exactly after
  {
    torch::NoGradGuard no_grad;
    for (const auto& p : trained) {
      theta.push_back(p.detach().clone());
      if (p.grad().defined()) p.add_(p.grad() * scale);
      p.mutable_grad() = torch::Tensor();
    }
  }
  accumulate_gradients();
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < trained.size(); ++i) trained[i].copy_(theta[i]);
  return loss;
}

}  // namespace lethe::train
