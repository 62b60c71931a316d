// A pipeline TOML file (lethe unlearn --config): parsed and every value checked.
#include "fuzz_input.h"
#include "unlearn/pipeline_config.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    lethe::unlearn::read_pipeline_config(lethe::fuzz::write_input(data, size, "pipeline.toml"));
  } catch (const lethe::Error&) {
  }
  return 0;
}
