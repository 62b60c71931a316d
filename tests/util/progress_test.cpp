// The numbers a progress bar prints.
#include <gtest/gtest.h>

#include <cmath>

#include "util/progress.h"

namespace lethe::util {
namespace {

TEST(Progress, CountsRatesAndDurationsReadShort) {
  EXPECT_EQ(human_count(17), "17");
  EXPECT_EQ(human_count(1234), "1.2k");
  EXPECT_EQ(human_count(3.4e6), "3.4M");
  EXPECT_EQ(human_rate(0.344), "0.34");  // a slow step rate must not read as 0
  EXPECT_EQ(human_rate(12.4), "12");
  EXPECT_EQ(human_rate(2350), "2.4k");
  EXPECT_EQ(human_duration(125), "02:05");
  EXPECT_EQ(human_duration(3723), "1:02:03");
  EXPECT_EQ(human_duration(NAN), "--:--");
}

}  // namespace
}  // namespace lethe::util
