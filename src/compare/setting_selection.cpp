#include "compare/setting_selection.h"

#include <fmt/core.h>

#include <algorithm>
#include <tuple>

namespace lethe::compare {
namespace {

// How far a setting falls short of the two bars (0 when it keeps utility).
double shortfall(const SettingFigures& s, const SettingFigures& base, const SelectionRule& rule) {
  double retain = std::max(0.0, (base.retain_qa - rule.retain_qa_drop) - s.retain_qa);
  double perplexity = std::max(0.0, s.perplexity / base.perplexity - (1 + rule.perplexity_rise));
  return retain + perplexity;
}

}  // namespace

Selection select_setting(const std::vector<SettingFigures>& settings, const SettingFigures& base,
                         const SelectionRule& rule) {
  Selection out;
  for (const auto& s : settings) out.keeps_utility.push_back(shortfall(s, base, rule) == 0);
  out.qualified = std::find(out.keeps_utility.begin(), out.keeps_utility.end(), true) != out.keeps_utility.end();
  // The order of preference as a key, lowest best.
  auto key = [&](size_t i) {
    const SettingFigures& s = settings[i];
    double forget = out.qualified ? s.forget_qa : s.forget_qa + shortfall(s, base, rule);
    return std::make_tuple(forget, -s.retain_qa, s.perplexity, i);
  };
  for (size_t i = 0; i < settings.size(); ++i) {
    if (out.qualified && !out.keeps_utility[i]) continue;
    if ((out.qualified && !out.keeps_utility[out.chosen]) || key(i) < key(out.chosen)) out.chosen = i;
  }
  const SettingFigures& c = settings[out.chosen];
  out.reason = out.qualified
                   ? fmt::format("the lowest forget QA ({:.1f}%) of the settings that keep retain QA within {:g} points "
                                 "of base and general perplexity within {:g}%",
                                 100 * c.forget_qa, 100 * rule.retain_qa_drop, 100 * rule.perplexity_rise)
                   : fmt::format("no setting keeps retain QA within {:g} points of base and general perplexity within "
                                 "{:g}%; the best trade-off (forget QA {:.1f}%, retain QA {:.1f}%, perplexity {:.3g})",
                                 100 * rule.retain_qa_drop, 100 * rule.perplexity_rise, 100 * c.forget_qa,
                                 100 * c.retain_qa, c.perplexity);
  return out;
}

}  // namespace lethe::compare
