#pragma once
// The one exception type of lethe: its message names the file (and tensor, line, ...) and the
// reason, so a user can fix the input. Commands catch it, print it and exit non-zero.
#include <stdexcept>
#include <string>

namespace lethe {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace lethe
