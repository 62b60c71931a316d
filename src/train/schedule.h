#pragma once
// The learning rate at each optimizer step: linear warmup from 0, then cosine decay to
// min_lr_ratio * peak at the last step.
#include <cstdint>

namespace lethe::train {

struct Schedule {
  double peak_lr = 3e-4;
  double min_lr_ratio = 0.1;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;

  double lr_at(int64_t step) const;  // step counts from 0
};

// A learning rate given for a 7B model, scaled to one of `parameters`: by sqrt(7e9 / parameters),
// so a small model takes proportionally larger steps (the paper's rates are for Llama2-7b).
double lr_scaled_from_7b(double lr_at_7b, int64_t parameters);

}  // namespace lethe::train
