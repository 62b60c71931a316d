// The choice of each method's setting, on hand-made figures: the lowest forget QA among the
// settings that keep utility; the best trade-off, said so, when none does.
#include <gtest/gtest.h>

#include "compare/setting_selection.h"

namespace lethe::compare {
namespace {

const SettingFigures kBase{0.80, 0.90, 50.0};  // forget QA, retain QA, general perplexity
const SelectionRule kRule{0.05, 0.05};          // retain QA >= 0.85, perplexity <= 52.5

TEST(SettingSelection, TakesTheLowestForgetQaThatKeepsUtility) {
  // 0 keeps utility; 1 forgets most but loses retain QA; 2 forgets more than 0 and keeps utility;
  // 3 forgets as much as 2 with a perplexity just over the bar.
  auto s = select_setting({{0.40, 0.90, 50.0}, {0.00, 0.50, 50.0}, {0.10, 0.86, 52.0}, {0.10, 0.90, 52.6}}, kBase, kRule);
  EXPECT_EQ(s.chosen, 2u);
  EXPECT_TRUE(s.qualified);
  EXPECT_EQ(s.keeps_utility, (std::vector<bool>{true, false, true, false}));
  EXPECT_NE(s.reason.find("the lowest forget QA (10.0%)"), std::string::npos) << s.reason;
}

TEST(SettingSelection, BreaksTiesOnRetainQaThenPerplexityThenOrder) {
  EXPECT_EQ(select_setting({{0.1, 0.86, 50.0}, {0.1, 0.88, 51.0}}, kBase, kRule).chosen, 1u);
  EXPECT_EQ(select_setting({{0.1, 0.88, 51.0}, {0.1, 0.88, 50.5}}, kBase, kRule).chosen, 1u);
  EXPECT_EQ(select_setting({{0.1, 0.88, 51.0}, {0.1, 0.88, 51.0}}, kBase, kRule).chosen, 0u);
}

TEST(SettingSelection, SaysSoAndTakesTheBestTradeOffWhenNoneKeepsUtility) {
  // Scores: 0.00 + (0.85 - 0.50) = 0.35; 0.30 + (0.85 - 0.80) + a perplexity over its bar
  // (57.5 / 50 - 1.05 = 0.10) = 0.45; 0.20 + 0.05 = 0.25.
  auto s = select_setting({{0.00, 0.50, 50.0}, {0.30, 0.80, 57.5}, {0.20, 0.80, 50.0}}, kBase, kRule);
  EXPECT_FALSE(s.qualified);
  EXPECT_EQ(s.chosen, 2u);
  EXPECT_EQ(s.keeps_utility, (std::vector<bool>{false, false, false}));
  EXPECT_NE(s.reason.find("no setting keeps retain QA within 5 points"), std::string::npos) << s.reason;
}

TEST(SettingSelection, OneSettingIsChosenWhateverItIs) {
  auto s = select_setting({{0.7, 0.2, 500.0}}, kBase, kRule);
  EXPECT_EQ(s.chosen, 0u);
  EXPECT_FALSE(s.qualified);
}

}  // namespace
}  // namespace lethe::compare
