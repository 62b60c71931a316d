#pragma once
// lethe compare's choice of each method's setting, made on the validation part of the suite:
// among the settings that keep utility (retain QA at most `retain_qa_drop` below base's, general
// perplexity at most `perplexity_rise` above base's), the lowest forget QA; ties go to the higher
// retain QA, then the lower perplexity, then the first listed. When none keeps utility, the best
// trade-off: the lowest forget QA plus the amounts by which the setting misses the two bars (retain
// QA points, and perplexity's rise as a fraction of base's).
#include <cstddef>
#include <string>
#include <vector>

namespace lethe::compare {

struct SettingFigures {
  double forget_qa = 0, retain_qa = 0, perplexity = 0;  // exact match in [0, 1]; general text
};

struct SelectionRule {
  double retain_qa_drop = 0.05, perplexity_rise = 0.05;
};

struct Selection {
  size_t chosen = 0;
  bool qualified = false;           // the chosen setting keeps utility
  std::vector<bool> keeps_utility;  // per setting
  std::string reason;               // one sentence for the report
};

// `settings` is not empty.
Selection select_setting(const std::vector<SettingFigures>& settings, const SettingFigures& base,
                         const SelectionRule& rule);

}  // namespace lethe::compare
