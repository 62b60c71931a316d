#pragma once
// Choosing the next token from a row of logits: greedy, or sampling with temperature, top-k and
// top-p (nucleus). Runs on the CPU with its own seeded generator, so the same seed gives the same
// tokens on any device.
#include <cstdint>
#include <random>

namespace lethe::model {

struct SamplingOptions {
  float temperature = 0.0f;  // 0: greedy
  int64_t top_k = 0;         // 0: no limit
  float top_p = 1.0f;        // 1: no limit
  uint64_t seed = 0;
};

class Sampler {
 public:
  explicit Sampler(SamplingOptions options) : options_(options), rng_(options.seed) {}
  int32_t sample(const float* logits, int64_t vocab_size);

 private:
  SamplingOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace lethe::model
