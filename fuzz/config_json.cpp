// A model's config.json: parsed, its parameter count computed (checked arithmetic), written back.
#include "fuzz_input.h"
#include "model/config.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto path = lethe::fuzz::write_input(data, size, "config.json");
    auto config = lethe::model::read_model_config(path.parent_path());
    config.parameter_count();
    config.forward_flops_per_token(16);
    config.to_json().dump();
  } catch (const lethe::Error&) {
  }
  return 0;
}
