// The weight gradient of a linear layer, dW = dY^T X (out x in, a sum over the tokens), on torch's
// BLAS (OpenBLAS) and on oneDNN, side by side on the shapes of the 14M and 110M training steps.
// model::linear keeps this product on torch's BLAS, which won it on this project's Intel machines
// with OpenBLAS's SkylakeX kernels; the AMD machines set OPENBLAS_CORETYPE=Haswell, and there the
// question is open. Run it under both: lethe_bench_weight_gradient [SECONDS_PER_SHAPE].
#include <fmt/core.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <functional>

#include "util/onednn_sgemm.h"
#include "util/system.h"

namespace {

// GFLOP/s of product() over at least `seconds` (best of three equal parts).
double gflops(const std::function<void()>& product, double flops, double seconds) {
  product();  // warm-up
  double best = 0.0;
  for (int part = 0; part < 3; ++part) {
    int64_t runs = 0;
    auto start = std::chrono::steady_clock::now();
    double elapsed = 0.0;
    while (elapsed < seconds / 3 || runs < 2) {
      product();
      ++runs;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    best = std::max(best, flops * runs / elapsed / 1e9);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  lethe::util::fix_blas_or_warn(argv);
  lethe::util::configure_threads(0);
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const auto blas = lethe::util::detect_blas();
  const std::string choice = lethe::util::blas_core_choice();
  fmt::print("torch's BLAS: {} ({} kernels{}), {} threads\n", blas.name, blas.core.empty() ? "?" : blas.core,
             choice.empty() ? "" : ", " + choice, torch::get_num_threads());
  fmt::print("{:<28} {:>8} {:>12} {:>12} {:>8}\n", "shape (tokens, in -> out)", "", "torch GF/s", "oneDNN GF/s",
             "ratio");
  struct Shape {
    const char* name;
    int64_t tokens, in, out;
  };
  const Shape shapes[] = {{"14M q/k/v", 2048, 512, 1536},   {"14M o", 2048, 512, 512},
                          {"14M gate/up", 2048, 512, 2816}, {"14M down", 2048, 1408, 512},
                          {"14M vocabulary", 2048, 512, 4096}, {"110M q/k/v", 1024, 768, 2304},
                          {"110M gate/up", 1024, 768, 4096},   {"110M vocabulary", 1024, 768, 32000}};
  torch::NoGradGuard no_grad;
  double log_sum = 0.0;
  for (const auto& s : shapes) {
    auto x = torch::randn({s.tokens, s.in});      // (N,in)
    auto grad = torch::randn({s.tokens, s.out});  // (N,out)
    auto w_grad = torch::empty({s.out, s.in});    // (out,in)
    const double flops = 2.0 * s.tokens * s.in * s.out;
    double on_torch = gflops([&] { torch::mm_out(w_grad, grad.t(), x); }, flops, seconds);
    double on_onednn = gflops(
        [&] {
          lethe::util::onednn_sgemm('T', 'N', s.out, s.in, s.tokens, 1.0f, grad.data_ptr<float>(), s.out,
                                    x.data_ptr<float>(), s.in, 0.0f, w_grad.data_ptr<float>(), s.in);
        },
        flops, seconds);
    log_sum += std::log(on_onednn / on_torch);
    fmt::print("{:<16} {:>5} {:>5} -> {:>5} {:>12.1f} {:>12.1f} {:>8.2f}\n", s.name, s.tokens, s.in, s.out, on_torch,
               on_onednn, on_onednn / on_torch);
  }
  fmt::print("geometric mean of oneDNN / torch: {:.2f}\n", std::exp(log_sum / std::size(shapes)));
  return 0;
}
