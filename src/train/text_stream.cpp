#include "train/text_stream.h"

#include "io/file.h"

namespace lethe::train {

std::vector<int32_t> token_stream(const tokenizer::Tokenizer& tok, const std::vector<std::string>& files) {
  std::vector<int32_t> stream;
  for (const auto& file : files) {
    auto ids = tok.encode(io::read_file(file), /*add_special=*/true);
    stream.insert(stream.end(), ids.begin(), ids.end());
    if (tok.eos_id) stream.push_back(*tok.eos_id);
  }
  return stream;
}

}  // namespace lethe::train
