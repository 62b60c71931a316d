#pragma once
// A model directory's tokenizer as GGUF metadata (tokenizer.ggml.*), as llama.cpp reads it:
// SentencePiece as its "llama" tokenizer (pieces, scores and piece types), byte-level BPE as its
// "gpt2" tokenizer (tokens, types, merges, and the pre-tokenizer under llama.cpp's name for it).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/gguf.h"

namespace lethe::exporting {

// llama.cpp's name for a tokenizer.json pre-tokenizer ("llama-bpe", "qwen2", "gpt-2", "smollm"),
// recognised by its structure and regular expression; throws lethe::Error naming `origin` for one
// llama.cpp does not know.
std::string llama_cpp_pre_tokenizer(const nlohmann::json& pre_tokenizer, const std::string& origin);

// Adds the vocabulary of `model_dir`, padded with unused tokens to `embedding_rows` (the model's
// vocab_size). Returns what llama.cpp will do differently from lethe (a tokenizer that normalises
// text first), for the user to read.
std::vector<std::string> add_gguf_vocabulary(io::GgufWriter& gguf, const std::filesystem::path& model_dir,
                                             int64_t embedding_rows);

}  // namespace lethe::exporting
