#pragma once
// What the benchmarks share: the model sizes, the FLOP count, the Python PyTorch run of the same
// model at the same thread count, and the side-by-side table.
#include <functional>
#include <string>
#include <vector>

#include "model/config.h"

namespace lethe::bench {

struct BenchModel {
  std::string name;
  model::ModelConfig config;
  int64_t batch = 0;
  int64_t sequence = 0;
};

std::vector<BenchModel> bench_models();  // ~14M and ~100M parameters

struct Measurement {
  double tokens_per_second = 0.0;
  double seconds_per_step = 0.0;
};

// Runs step once to warm up, then repeatedly for at least `seconds` (and 3 times).
Measurement time_steps(const std::function<void()>& step, int64_t tokens_per_step, double seconds);

// Runs bench/python_reference.py on the same model and shapes; mode "train" or "forward".
Measurement measure_python(const BenchModel& m, const std::string& mode, int threads, double seconds);

// One round: lethe and Python measured back to back, with the sgemm peak measured before, between
// and after them. Each MFU is taken against the mean of the two peaks around its own run.
struct Round {
  double sgemm_before = 0.0, sgemm_between = 0.0, sgemm_after = 0.0;
  Measurement lethe, python;
  double lethe_sgemm() const { return (sgemm_before + sgemm_between) / 2; }
  double python_sgemm() const { return (sgemm_between + sgemm_after) / 2; }
};

// The speed of a shared machine drifts by tens of percent within minutes, so each figure is a
// ratio of quantities measured in the same round, and the table shows the median of three rounds
// of seconds/3 each.
std::vector<Round> measure_rounds(const std::function<Measurement(double)>& lethe,
                                  const std::function<Measurement(double)>& python, double seconds);

// The whole benchmark: for each model, lethe (measure_lethe) against Python PyTorch in `mode`
// ("train" or "forward"), printed as one table row. flops_multiplier: 1 forward, 3 training.
int run_benchmark(int argc, char** argv, const std::string& mode,
                  const std::function<Measurement(const BenchModel&, double)>& measure_lethe,
                  double flops_multiplier);

}  // namespace lethe::bench
