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

// FLOPs of one forward pass per token: 2 per multiply-add of every matrix product (layers and
// output projection) plus attention's two T x T products (all T, as the kernels compute them).
double forward_flops_per_token(const model::ModelConfig& config, int64_t sequence);

struct Measurement {
  double tokens_per_second = 0.0;
  double seconds_per_step = 0.0;
};

// Runs bench/python_reference.py on the same model and shapes; mode "train" or "forward".
Measurement measure_python(const BenchModel& m, const std::string& mode, int threads, double seconds);

struct Comparison {
  Measurement lethe, python;
  double sgemm_gflops = 0.0;
};

// The speed of a shared machine drifts by tens of percent within minutes. So the sgemm peak, lethe
// and Python are measured in alternation, three rounds of seconds/3 each, and each keeps its best:
// a slow spell hurts none of them more than the others, and MFU = best rate / best peak.
Comparison compare_in_rounds(const std::function<Measurement(double)>& lethe,
                             const std::function<Measurement(double)>& python, double seconds);

// Sets up BLAS and threads like the CLI, prints the table's head; returns the thread count.
int prepare(char** argv);

void print_row(const BenchModel& m, const std::string& mode, const Comparison& result, double flops_per_token);

}  // namespace lethe::bench
