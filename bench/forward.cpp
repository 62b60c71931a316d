// Forward-pass throughput (no gradients) of lethe against the same model in Python PyTorch at
// the same thread count, and MFU against the sgemm rate measured in this run.
#include <fmt/core.h>
#include <torch/torch.h>

#include <chrono>

#include "bench_common.h"
#include "model/llama.h"

using namespace lethe;

namespace {

bench::Measurement measure_lethe(const bench::BenchModel& m, double seconds) {
  torch::manual_seed(0);
  model::CausalLM lm(m.config);
  lm->eval();
  torch::NoGradGuard no_grad;
  auto tokens = torch::randint(0, m.config.vocab_size, {m.batch, m.sequence}, torch::kLong);
  lm->forward(tokens);  // warm-up
  int64_t steps = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds || steps < 3) {
    lm->forward(tokens);
    ++steps;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return {steps * m.batch * m.sequence / elapsed, elapsed / steps};
}

}  // namespace

int main(int argc, char** argv) {
  int threads = bench::prepare(argv);
  double seconds = argc > 1 ? std::atof(argv[1]) : 12.0;
  for (const auto& m : bench::bench_models()) {
    auto result = bench::compare_in_rounds([&](double s) { return measure_lethe(m, s); },
                                           [&](double s) { return bench::measure_python(m, "forward", threads, s); },
                                           seconds);
    bench::print_row(m, "forward", result, bench::forward_flops_per_token(m.config, m.sequence));
  }
}
