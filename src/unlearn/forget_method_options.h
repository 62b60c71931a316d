#pragma once
// The settings of the field's fine-tuning unlearners (forget_method_loss.h), torch-free so that
// the pipeline's config reader holds them.
#include <cstdint>

namespace lethe::unlearn {

enum class ForgetMethod { gradient_ascent, npo, simnpo, undial, rmu };
enum class RetainLoss { nll, kl };

// RMU (rmu.h): the layer whose output it misdirects and the steering scale c.
struct RmuOptions {
  int64_t layer = -1;     // -1: a quarter of the way down (num_hidden_layers / 4)
  double steering = 0.0;  // 0: the mean norm of the base's hidden states at the layer
  uint64_t seed = 0;      // of the random direction
};

struct ForgetLossOptions {
  ForgetMethod method = ForgetMethod::npo;
  double beta = 0.1;   // NPO's and SimNPO's inverse temperature; UNDIAL's logit cut
  double gamma = 0.0;  // SimNPO's margin
  RetainLoss retain_loss = RetainLoss::kl;
  double retain_weight = 0.0;
  int64_t retain_batch_size = 4;
  RmuOptions rmu;
};

// Whether the method or its retain term reads the frozen base.
inline bool needs_frozen_base(const ForgetLossOptions& o) {
  const bool method_reads_base =
      o.method == ForgetMethod::npo || o.method == ForgetMethod::undial || o.method == ForgetMethod::rmu;
  return method_reads_base || (o.retain_weight > 0 && o.retain_loss == RetainLoss::kl);
}

}  // namespace lethe::unlearn
