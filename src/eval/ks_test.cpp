#include "eval/ks_test.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>  // std::abs(int64_t)
#include <numeric>

#include "util/error.h"

namespace lethe::eval {
namespace {

constexpr std::size_t kMaxExactSampleSize = 10000;  // scipy's MAX_AUTO_N

void check_sample(const std::vector<double>& sample, const char* which) {
  if (sample.empty()) throw Error(std::string("Kolmogorov-Smirnov test: sample ") + which + " is empty");
  if (std::any_of(sample.begin(), sample.end(), [](double v) { return std::isnan(v); }))
    throw Error(std::string("Kolmogorov-Smirnov test: sample ") + which + " holds a NaN");
}

// D * lcm(n, m), an integer: at a point where x values of a and y values of b are <= v,
// |x/n - y/m| * lcm(n, m) = |x (m/g) - y (n/g)| with g = gcd(n, m).
int64_t scaled_statistic(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const auto n = static_cast<int64_t>(a.size());
  const auto m = static_cast<int64_t>(b.size());
  const int64_t g = std::gcd(n, m);
  int64_t largest = 0;
  int64_t x = 0;
  int64_t y = 0;
  while (x < n || y < m) {
    // Step past every value equal to the smallest one not yet counted, in both samples.
    double v = (y == m || (x < n && a[x] <= b[y])) ? a[x] : b[y];
    while (x < n && a[x] == v) ++x;
    while (y < m && b[y] == v) ++y;
    largest = std::max(largest, std::abs(x * (m / g) - y * (n / g)));
  }
  return largest;
}

}  // namespace

double ks_exact_p_value(int64_t n, int64_t m, int64_t h) {
  if (h <= 0) return 1.0;
  // Under the null hypothesis the pooled sample, sorted, is a uniformly random ordering of n a's
  // and m b's: a lattice path from (0, 0) to (n, m) whose next step is "a" with probability
  // (a's left) / (values left). Walk it forward and add up the probability mass at the first point
  // where |x (m/g) - y (n/g)| >= h. A sum of positive terms keeps tiny p-values precise, where
  // 1 - P(never reached) would cancel to 0.
  const int64_t g = std::gcd(n, m);
  auto reached = [&](int64_t x, int64_t y) { return std::abs(x * (m / g) - y * (n / g)) >= h; };
  std::vector<double> row(static_cast<std::size_t>(m + 1), 0.0);  // P(at (x, y), never reached), this x
  std::vector<double> next_row(row.size(), 0.0);
  row[0] = 1.0;
  double p_value = 0.0;
  for (int64_t x = 0; x <= n; ++x) {
    std::fill(next_row.begin(), next_row.end(), 0.0);
    for (int64_t y = 0; y <= m; ++y) {
      double mass = row[y];
      double values_left = static_cast<double>((n - x) + (m - y));
      if (mass == 0.0 || values_left == 0.0) continue;
      if (x < n) {
        double step = mass * static_cast<double>(n - x) / values_left;
        (reached(x + 1, y) ? p_value : next_row[y]) += step;
      }
      if (y < m) {
        double step = mass * static_cast<double>(m - y) / values_left;
        (reached(x, y + 1) ? p_value : row[y + 1]) += step;
      }
    }
    std::swap(row, next_row);
  }
  return std::min(p_value, 1.0);
}

double kolmogorov_survival(double lambda) {
  if (lambda <= 0.0) return 1.0;
  if (lambda < 1.0) {
    // Small lambda: the alternating series converges slowly; use the Jacobi theta form
    // 1 - Q(l) = sqrt(2 pi) / l * sum_{k>=1} exp(-(2k - 1)^2 pi^2 / (8 l^2)).
    double cdf = 0.0;
    for (int k = 1; k <= 20; ++k) {
      double odd = 2.0 * k - 1.0;
      cdf += std::exp(-odd * odd * M_PI * M_PI / (8.0 * lambda * lambda));
    }
    return 1.0 - std::sqrt(2.0 * M_PI) / lambda * cdf;
  }
  double survival = 0.0;
  for (int k = 1; k <= 100; ++k) {
    double term = std::exp(-2.0 * k * k * lambda * lambda);
    survival += (k % 2 == 1 ? 2.0 : -2.0) * term;
    if (term < 1e-300) break;
  }
  return std::clamp(survival, 0.0, 1.0);
}

KsTestResult ks_2samp(const std::vector<double>& a, const std::vector<double>& b) {
  check_sample(a, "a");
  check_sample(b, "b");
  const auto n = static_cast<int64_t>(a.size());
  const auto m = static_cast<int64_t>(b.size());
  const int64_t lcm = n / std::gcd(n, m) * m;
  const int64_t h = scaled_statistic(a, b);
  KsTestResult result;
  result.statistic = static_cast<double>(h) / static_cast<double>(lcm);
  if (a.size() <= kMaxExactSampleSize && b.size() <= kMaxExactSampleSize) {
    result.p_value = ks_exact_p_value(n, m, h);
  } else {
    double effective_size = static_cast<double>(n) * static_cast<double>(m) / static_cast<double>(n + m);
    result.p_value = kolmogorov_survival(std::sqrt(effective_size) * result.statistic);
  }
  return result;
}

}  // namespace lethe::eval
