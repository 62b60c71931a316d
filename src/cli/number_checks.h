#pragma once
// util::NumberRule as a CLI11 check: a value outside the rule is refused while the command line is
// parsed, before any work, in lethe's error form with the option named ("--log-every: must be at
// least 1, not 0"; exit code 2).
#include <CLI/CLI.hpp>

#include "util/number_rule.h"

namespace lethe::cli {

CLI::Validator follows(const util::NumberRule& rule);

}  // namespace lethe::cli
