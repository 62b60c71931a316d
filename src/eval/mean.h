#pragma once
// The arithmetic mean that every metric averages its items with; 0 for no items.
#include <numeric>
#include <vector>

namespace lethe::eval {

inline double mean_or_zero(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

}  // namespace lethe::eval
