#pragma once
// The one place where lethe says which numbers a user may give: a rule per setting, checked while
// a command line is parsed (cli/number_checks.h) and while a TOML file is read, before any work,
// so that nonsense (0 steps between logs, a NaN temperature) is refused with the setting named.
#include <limits>
#include <string>

namespace lethe::util {

struct NumberRule {
  double minimum = -std::numeric_limits<double>::infinity();
  double maximum = std::numeric_limits<double>::infinity();
  bool minimum_included = true;
  // "" when the value follows the rule (a finite number within the bounds), else what is wrong:
  // "must be at least 1, not 0".
  std::string what_is_wrong(double value) const;
  std::string description() const;  // "at least 1", "a number in (0, 1]"
};

NumberRule at_least(double minimum);                 // [minimum, inf)
NumberRule above(double minimum);                    // (minimum, inf)
NumberRule between(double minimum, double maximum);  // [minimum, maximum]
NumberRule fraction();                               // (0, 1]
NumberRule finite();                                 // any finite number

}  // namespace lethe::util
