#pragma once
// The two-sided two-sample Kolmogorov-Smirnov test, as scipy.stats.ks_2samp(a, b) with its default
// method="auto" (scipy 1.10):
// - statistic D = max over the pooled values v of |F_a(v) - F_b(v)|, the empirical CDFs
//   counting values <= v (so ties between the samples are handled as scipy does);
// - when both samples have at most 10,000 values (scipy's MAX_AUTO_N), the exact p-value
//   P(D' >= D) over the C(n+m, n) equally likely orderings of the pooled sample under the null
//   hypothesis (continuous distributions, so no ties): the same quantity as scipy's "exact";
// - for larger samples, the Kolmogorov limit Q(sqrt(n m / (n + m)) D), with
//   Q(l) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 l^2) (scipy < 1.5's "asymp", and R's). scipy >= 1.5
//   uses instead the one-sample finite-n distribution kstwo.sf(D, round(n m / (n + m))); the
//   two differ by a relative O(1/sqrt(n m / (n + m))), about 1% at these sizes.
#include <cstdint>
#include <vector>

namespace lethe::eval {

struct KsTestResult {
  double statistic = 0.0;  // D, in [0, 1]
  double p_value = 1.0;
};

// Throws lethe::Error on an empty sample or a NaN value.
KsTestResult ks_2samp(const std::vector<double>& a, const std::vector<double>& b);

// P(D >= h / lcm(n, m)) for samples of n and m values from one continuous distribution.
double ks_exact_p_value(int64_t n, int64_t m, int64_t h);

// Q(l) = P(K > l) for the Kolmogorov distribution K, the limit of sqrt(n m / (n + m)) D.
double kolmogorov_survival(double lambda);

}  // namespace lethe::eval
