#pragma once
// Text files as one token stream for training: each file opened by BOS (as encode adds it) and
// closed by EOS.
#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace lethe::train {

std::vector<int32_t> token_stream(const tokenizer::Tokenizer& tokenizer, const std::vector<std::string>& files);

}  // namespace lethe::train
