// A safetensors file: its header is validated, and every tensor's bytes lie inside the file.
#include <cstddef>

#include "fuzz_input.h"
#include "io/safetensors.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    lethe::io::SafetensorsReader reader(lethe::fuzz::write_input(data, size, "model.safetensors"));
    volatile unsigned sum = 0;
    for (const auto& tensor : reader.tensors()) {
      const std::byte* bytes = reader.data(tensor);
      if (tensor.nbytes > 0)  // ASan checks both ends
        sum = sum + std::to_integer<unsigned>(bytes[0]) + std::to_integer<unsigned>(bytes[tensor.nbytes - 1]);
    }
  } catch (const lethe::Error&) {
  }
  return 0;
}
