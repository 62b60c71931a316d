// A label file (stage 3's output): its header checked, its first records read.
#include "fuzz_input.h"
#include "unlearn/label_file.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    lethe::unlearn::LabelFileReader reader(lethe::fuzz::write_input(data, size, "labels.bin"));
    for (int64_t i = 0; i < reader.block_count() && i < 4; ++i) reader.read(i);
    reader.require_provenance({{"base", "x"}});
  } catch (const lethe::Error&) {
  }
  return 0;
}
