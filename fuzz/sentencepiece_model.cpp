// A SentencePiece tokenizer.model: loaded, then a varied text encoded and decoded.
#include "fuzz_input.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto path = lethe::fuzz::write_input(data, size, "tokenizer.model");
    auto tokenizer = lethe::tokenizer::load_tokenizer(path.parent_path());
    auto ids = tokenizer->encode("Hello, world! 123 \xc3\xa9\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac\n  x", true);
    tokenizer->decode(ids, false);
    for (int32_t id = 0; id < tokenizer->vocab_size() && id < 64; ++id) tokenizer->id_to_token(id);
  } catch (const lethe::Error&) {
  }
  return 0;
}
