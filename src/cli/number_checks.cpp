#include "cli/number_checks.h"

#include <cstdlib>

namespace lethe::cli {

CLI::Validator follows(const util::NumberRule& rule) {
  return CLI::Validator(
      [rule](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0') return "";  // not a number: the option's type conversion says so
        return rule.what_is_wrong(value);
      },
      rule.description());
}

}  // namespace lethe::cli
