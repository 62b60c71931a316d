// Forward-pass throughput (no gradients) of lethe against the same model in Python PyTorch at
// the same thread count, and MFU against the sgemm peak measured in the same run.
#include <torch/torch.h>

#include "bench_common.h"
#include "model/llama.h"

using namespace lethe;

int main(int argc, char** argv) {
  auto measure = [](const bench::BenchModel& m, double seconds) {
    torch::manual_seed(0);
    model::CausalLM lm(m.config);
    // Initialised as `lethe pretrain` and Hugging Face do (normal, std 0.02), as in train_step.
    model::initialize_parameters(lm, 0);
    lm->eval();
    torch::NoGradGuard no_grad;
    auto tokens = torch::randint(0, m.config.vocab_size, {m.batch, m.sequence}, torch::kLong);
    return bench::time_steps([&] { lm->forward(tokens); }, m.batch * m.sequence, seconds);
  };
  return bench::run_benchmark(argc, argv, "forward", measure, 1.0);
}
