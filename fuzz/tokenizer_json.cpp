// A tokenizer.json (byte-level or SentencePiece-style BPE): loaded, then a varied text encoded and decoded.
#include "fuzz_input.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto path = lethe::fuzz::write_input(data, size, "tokenizer.json");
    auto tokenizer = lethe::tokenizer::load_tokenizer(path.parent_path());
    auto ids = tokenizer->encode("Hello, world! 123 \xc3\xa9\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac <s>\n\n  x", true);
    tokenizer->decode(ids, false);
    tokenizer->decode(ids, true);
  } catch (const lethe::Error&) {
  }
  return 0;
}
