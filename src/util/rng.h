#pragma once
// Seeded random numbers: splitmix64, with its own integer and choice helpers, because
// std::uniform_int_distribution and std::shuffle differ between standard libraries and the same
// seed must give the same world, the same substitutes and the same labels everywhere.
#include <cstdint>
#include <utility>
#include <vector>

namespace lethe::util {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n); n > 0. Rejection keeps it unbiased.
  uint64_t below(uint64_t n) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next();
    while (x >= limit);
    return x % n;
  }

  bool chance(double p) { return (next() >> 11) * 0x1.0p-53 < p; }

  template <typename T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

  // A child generator for an independent stream (one per chapter, say), so that adding draws to
  // one part of the world does not change every other part.
  Rng fork(uint64_t stream) { return Rng(next() ^ (stream * 0xd1b54a32d192ed03ULL)); }

 private:
  uint64_t state_;
};

}  // namespace lethe::util
