// A GGUF file's header: every count, length, type and offset is checked before it is trusted.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "io/gguf.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    lethe::io::parse_gguf(in, size, "fuzz.gguf");
  } catch (const lethe::Error&) {
  }
  return 0;
}
