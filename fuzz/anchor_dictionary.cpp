// An anchored-term dictionary, as JSON (term -> [substitutes]) and as a review file (.tsv): read,
// then the paper's rules applied.
#include "fuzz_input.h"
#include "unlearn/anchor_dictionary.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (const char* name : {"anchors.json", "anchors.tsv"}) {
    try {
      auto dictionary = lethe::unlearn::read_anchor_dictionary(lethe::fuzz::write_input(data, size, name));
      lethe::unlearn::apply_paper_rules(dictionary);
    } catch (const lethe::Error&) {
    }
  }
  return 0;
}
