#pragma once
// Task-vector negation (Ilharco et al. 2023; a MUSE baseline): the reinforced model's change from
// the base is the "task" of knowing the forget text; subtracting it moves the base the other way,
// theta_base - scale (theta_reinforced - theta_base). No training: stage 1's reinforced model is
// reused.
#include "model/llama.h"

namespace lethe::unlearn {

// base <- base - scale (reinforced - base), every weight; the two models must share one config.
void negate_task_vector(model::CausalLM& base, model::CausalLM& reinforced, double scale);

}  // namespace lethe::unlearn
