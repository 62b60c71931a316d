// Training-step throughput (forward, loss, backward, AdamW) of lethe against the same model in
// Python PyTorch at the same thread count, and MFU against the sgemm peak measured in the same run.
#include <torch/torch.h>

#include "bench_common.h"
#include "model/llama.h"

using namespace lethe;

int main(int argc, char** argv) {
  auto measure = [](const bench::BenchModel& m, double seconds) {
    torch::manual_seed(0);
    model::CausalLM lm(m.config);
    // Initialised as `lethe pretrain` and Hugging Face do (normal, std 0.02). torch's default
    // N(0,1) embedding, tied to the output, gives logits hundreds apart whose softmax underflows
    // into subnormal floats, which the CPU computes many times slower.
    model::initialize_parameters(lm, 0);
    lm->train();
    torch::optim::AdamW optimizer(lm->parameters(), torch::optim::AdamWOptions(1e-4));
    auto tokens = torch::randint(0, m.config.vocab_size, {m.batch, m.sequence}, torch::kLong);
    auto step = [&] {
      // Dropping the gradients (rather than zeroing them) lets backward write them fresh: no fill,
      // no accumulation pass. torch 1.13's C++ zero_grad has no set_to_none.
      for (auto& p : lm->parameters()) p.mutable_grad() = torch::Tensor();
      model::next_token_loss(lm->forward(tokens), tokens).backward();
      optimizer.step();
    };
    return bench::time_steps(step, m.batch * m.sequence, seconds);
  };
  return bench::run_benchmark(argc, argv, "train", measure, 3.0);
}
