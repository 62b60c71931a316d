#pragma once
// The progress bars of an evaluation (lethe eval, lethe compare): one per pass of a metric over a
// model, made when the metric reports its total (a new total, or more done than the total: the
// next pass, a new bar).
#include <cstdint>
#include <memory>

#include "eval/evaluation.h"
#include "util/progress.h"

namespace lethe::cli {

class MetricProgress {
 public:
  // The callbacks refer to this object, which must outlive them.
  eval::ProgressFactory factory();
  void finish() { bar_.reset(); }

 private:
  std::unique_ptr<util::Progress> bar_;
  int64_t total_ = -1, done_ = 0;
};

}  // namespace lethe::cli
