#include "train/schedule.h"

#include <algorithm>
#include <cmath>

namespace lethe::train {

double Schedule::lr_at(int64_t step) const {
  if (step < warmup_steps) return peak_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - warmup_steps) / static_cast<double>(decay_steps));
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return peak_lr * (min_lr_ratio + (1.0 - min_lr_ratio) * cosine);
}

double lr_scaled_from_7b(double lr_at_7b, int64_t parameters) {
  return lr_at_7b * std::sqrt(7e9 / static_cast<double>(std::max<int64_t>(1, parameters)));
}

}  // namespace lethe::train
