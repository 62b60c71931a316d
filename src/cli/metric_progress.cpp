#include "cli/metric_progress.h"

#include "dist/world.h"

namespace lethe::cli {

eval::ProgressFactory MetricProgress::factory() {
  return [this](const std::string& label) -> eval::ProgressCallback {
    if (!dist::World::get().is_main()) return [](int64_t, int64_t) {};  // one process draws the bars
    finish();
    total_ = -1;
    return [this, label](int64_t n, int64_t total) {
      if (total != total_ || done_ + n > total_) {  // the metric's next pass
        bar_ = std::make_unique<util::Progress>(label, total, "it");
        total_ = total;
        done_ = 0;
      }
      done_ += n;
      bar_->advance(n);
    };
  };
}

}  // namespace lethe::cli
