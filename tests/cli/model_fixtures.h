#pragma once
// Model directories for the command-line tests: a tiny model with random weights (written by the
// PyTorch reference) and a SentencePiece vocabulary trained on generated text, and the edits that
// break one.
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "test_util.h"

namespace lethe::test {

// The lethe executable with these arguments (a shell command line).
CommandResult lethe(const std::string& arguments);

// vocab_size: pieces of the trained vocabulary and rows of the embedding (another size gives a
// model whose tokenizer differs).
std::filesystem::path make_tiny_model(const std::filesystem::path& dir, int vocab_size = 320);

void rewrite_config(const std::filesystem::path& dir, const std::function<void(nlohmann::json&)>& edit);
void rewrite_tensors(const std::filesystem::path& dir,
                     const std::function<void(std::vector<io::TensorBytes>&)>& edit);

}  // namespace lethe::test
