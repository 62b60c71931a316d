#include "util/number_rule.h"

#include <fmt/core.h>

#include <cmath>

namespace lethe::util {

std::string NumberRule::description() const {
  const bool bounded_below = std::isfinite(minimum), bounded_above = std::isfinite(maximum);
  if (bounded_below && bounded_above)
    return fmt::format("a number in {}{:g}, {:g}]", minimum_included ? "[" : "(", minimum, maximum);
  if (bounded_below) return fmt::format("{} {:g}", minimum_included ? "at least" : "greater than", minimum);
  if (bounded_above) return fmt::format("at most {:g}", maximum);
  return "a finite number";
}

std::string NumberRule::what_is_wrong(double value) const {
  const bool inside = std::isfinite(value) && (minimum_included ? value >= minimum : value > minimum) &&
                      value <= maximum;
  return inside ? "" : fmt::format("must be {}, not {:g}", description(), value);
}

NumberRule at_least(double minimum) { return {minimum}; }
NumberRule above(double minimum) { return {minimum, std::numeric_limits<double>::infinity(), false}; }
NumberRule between(double minimum, double maximum) { return {minimum, maximum}; }
NumberRule fraction() { return {0.0, 1.0, false}; }
NumberRule finite() { return {}; }

}  // namespace lethe::util
