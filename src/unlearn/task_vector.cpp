#include "unlearn/task_vector.h"

#include "util/error.h"

namespace lethe::unlearn {

void negate_task_vector(model::CausalLM& base, model::CausalLM& reinforced, double scale) {
  torch::NoGradGuard no_grad;
  auto task = reinforced->named_parameters();
  for (auto& p : base->named_parameters()) {
    const torch::Tensor* r = task.find(p.key());
    if (!r || !r->sizes().equals(p.value().sizes()))
      throw Error("task vector: the reinforced model has no weight " + p.key() + " of the base's shape");
    p.value().sub_(r->to(p.value().scalar_type()) - p.value(), scale);
  }
}

}  // namespace lethe::unlearn
