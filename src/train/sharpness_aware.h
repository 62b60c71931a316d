#pragma once
// Sharpness-aware minimisation (Foret et al. 2021), which Fan et al. (2025) found makes unlearning
// resist relearning: the gradient that the optimizer applies is taken at theta + rho g / ||g||, g
// the gradient at theta, so the step seeks weights whose whole neighbourhood has a low loss.
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace lethe::train {

// accumulate_gradients: fills the .grad of `trained` with the loss's gradient at the current
// weights (and returns the loss). Runs it at theta, moves the weights by rho g / ||g|| (the norm
// over all of `trained`), runs it again, and puts the weights back: `trained` ends at theta with
// the gradient taken at the perturbed weights. Returns the loss at theta.
double sharpness_aware_gradient(const std::vector<torch::Tensor>& trained, double rho,
                                const std::function<double()>& accumulate_gradients);

}  // namespace lethe::train
