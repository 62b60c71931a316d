// The two-sample Kolmogorov-Smirnov test: hand-counted orderings, and constants from
// scipy.stats.ks_2samp (scipy 1.10.1, method "auto") and scipy.stats.kstwobign.sf.
#include "eval/ks_test.h"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.h"

namespace lethe::eval {
namespace {

// Values both languages compute bit-identically: an integer ratio, one rounding.
std::vector<double> rational_sample(int count, int multiplier, int modulus, double shift) {
  std::vector<double> values;
  for (int i = 0; i < count; ++i) values.push_back((i * multiplier % modulus) / static_cast<double>(modulus) + shift);
  return values;
}

TEST(KsTest, SmallSamplesByCountingOrderings) {
  // {1,2} vs {3,4}: D = 1; of the C(4,2) = 6 orderings of aabb, only aabb and bbaa reach D = 1.
  KsTestResult r = ks_2samp({1, 2}, {3, 4});
  EXPECT_DOUBLE_EQ(r.statistic, 1.0);
  EXPECT_DOUBLE_EQ(r.p_value, 2.0 / 6);
  // {1,3} vs {2,4}: D = 1/2, which every ordering reaches at its first step: p = 1.
  r = ks_2samp({1, 3}, {2, 4});
  EXPECT_DOUBLE_EQ(r.statistic, 0.5);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  // Separated samples of 3: 2 of C(6,3) = 20 orderings.
  EXPECT_DOUBLE_EQ(ks_2samp({3, 1, 2}, {6, 5, 4}).p_value, 0.1);
  // One value each: D = 1 whatever the order.
  r = ks_2samp({0}, {1});
  EXPECT_DOUBLE_EQ(r.statistic, 1.0);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

TEST(KsTest, TiesAcrossSamplesAsScipy) {
  // a = {1,2,2,3}, b = {2,2,4}: F_a - F_b after each value: 1/4, 3/4 - 2/3 = 1/12, 1 - 2/3 = 1/3,
  // 0, so D = 1/3. With lcm 12, D = 4/12: the paths of 4 a's (+3) and 3 b's (-4) that keep
  // |3x - 4y| < 4 are only abababa, so p = 1 - 1/C(7,3) = 34/35 (scipy: 0.9714285714285715).
  KsTestResult r = ks_2samp({1, 2, 2, 3}, {2, 2, 4});
  EXPECT_DOUBLE_EQ(r.statistic, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.p_value, 34.0 / 35);
}

TEST(KsTest, MatchesScipyExact) {
  struct Case {
    std::vector<double> a, b;
    double statistic, p_value;
  };
  std::vector<Case> cases = {
      // 7 vs 5 values: p = 664 / C(12,5) = 83/99.
      {rational_sample(7, 37, 101, 0), rational_sample(5, 53, 97, 0), 0.3142857142857143, 0.8383838383838382},
      {rational_sample(40, 37, 101, 0), rational_sample(37, 53, 97, 0.25), 0.2594594594594595, 0.11967797926816584},
      {rational_sample(200, 37, 101, 0), rational_sample(150, 53, 97, 0), 0.02666666666666667, 0.999999879037093},
  };
  for (const Case& c : cases) {
    KsTestResult r = ks_2samp(c.a, c.b);
    EXPECT_DOUBLE_EQ(r.statistic, c.statistic) << c.a.size() << " vs " << c.b.size();
    EXPECT_NEAR(r.p_value, c.p_value, 1e-12 * c.p_value) << c.a.size() << " vs " << c.b.size();
    EXPECT_DOUBLE_EQ(ks_2samp(c.b, c.a).p_value, r.p_value);  // symmetric
  }
}

TEST(KsTest, TinyPValuesKeepTheirPrecision) {
  // Separated samples: only the two orderings a..ab..b and b..ba..a reach D = 1.
  // 50 vs 50: 2 / C(100,50) = 1.9823306042836678e-29 (scipy); 60 vs 45: 2 / C(105,45).
  std::vector<double> low(60), high(50);
  for (int i = 0; i < 60; ++i) low[i] = i;
  for (int i = 0; i < 50; ++i) high[i] = 100 + i;
  std::vector<double> low50(low.begin(), low.begin() + 50);
  EXPECT_NEAR(ks_2samp(low50, high).p_value, 1.9823306042836678e-29, 1e-40);
  std::vector<double> high45(high.begin(), high.begin() + 45);
  EXPECT_NEAR(ks_2samp(low, high45).p_value, 1.840906125590564e-30, 1e-41);
}

TEST(KsTest, KolmogorovSurvivalMatchesScipyKstwobign) {
  std::vector<std::pair<double, double>> cases = {{0.3, 0.9999906941986655}, {0.5, 0.9639452436648751},
                                                  {0.8, 0.5441424115741981}, {1.0, 0.26999967167735456},
                                                  {1.36, 0.049485876755377876}, {2.0, 0.0006709252557796953}};
  for (auto [lambda, survival] : cases) EXPECT_NEAR(kolmogorov_survival(lambda), survival, 1e-12) << lambda;
  EXPECT_EQ(kolmogorov_survival(0.0), 1.0);
}

TEST(KsTest, LargeSamplesUseTheKolmogorovLimit) {
  // 10,001 values each, b = a + 200: D = 200/10001 and, past scipy's 10,000 for the exact method,
  // p = Q(sqrt(10001/2) * 200/10001) = kstwobign.sf(1.4141428569978354) = 0.036645706323067906.
  // (scipy >= 1.5 gives kstwo.sf(D, 5000) = 0.0361683842952123 here, 1.3% lower.)
  std::vector<double> a(10001), b(10001);
  for (int i = 0; i < 10001; ++i) {
    a[i] = i;
    b[i] = i + 200;
  }
  KsTestResult r = ks_2samp(a, b);
  EXPECT_DOUBLE_EQ(r.statistic, 200.0 / 10001);
  EXPECT_NEAR(r.p_value, 0.036645706323067906, 1e-12);
}

TEST(KsTest, RejectsEmptySamplesAndNaN) {
  EXPECT_THROW(ks_2samp({}, {1.0}), Error);
  EXPECT_THROW(ks_2samp({1.0}, {}), Error);
  EXPECT_THROW(ks_2samp({1.0}, {std::nan("")}), Error);
}

}  // namespace
}  // namespace lethe::eval
