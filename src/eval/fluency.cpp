#include "eval/fluency.h"

#include <set>

#include "eval/text_match.h"
#include "util/error.h"

namespace lethe::eval {

double distinct_n(const std::vector<std::string>& generations, int n) {
  if (n < 1) throw Error("distinct-n: n must be at least 1, not " + std::to_string(n));
  const auto size = static_cast<std::size_t>(n);
  std::set<std::vector<std::string>> distinct;
  std::size_t total = 0;
  for (const std::string& generation : generations) {
    std::vector<std::string> tokens = words(generation);
    for (std::size_t start = 0; start + size <= tokens.size(); ++start) {
      distinct.emplace(tokens.begin() + static_cast<std::ptrdiff_t>(start),
                       tokens.begin() + static_cast<std::ptrdiff_t>(start + size));
      ++total;
    }
  }
  return total == 0 ? 0.0 : static_cast<double>(distinct.size()) / static_cast<double>(total);
}

}  // namespace lethe::eval
