#pragma once
// The independent references the tokenizer tests compare lethe with, run as programs: Hugging Face
// tokenizers (npm package, via tests/reference/hf_tokenizer.js) and the sentencepiece Python
// package (tests/reference/sp_encode.py). Failures are reported as test failures.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lethe::test {

struct HfEncoding {
  std::vector<int32_t> plain;    // encode(text, add_special_tokens = false)
  std::vector<int32_t> special;  // encode(text, add_special_tokens = true)
  std::string decoded;           // decode(plain, skip_special_tokens = false)
  std::string decoded_skipping_special;  // decode(special, skip_special_tokens = true)
};

// Trains the "gpt2", "llama3" or "qwen2" shaped byte-level BPE on corpus into dir/tokenizer.json
// and returns Hugging Face's encodings of texts (empty after a failure).
std::vector<HfEncoding> run_hf_reference(const std::string& variant, const std::filesystem::path& corpus,
                                         const std::vector<std::string>& texts, const std::filesystem::path& dir);

// Trains a small BPE SentencePiece model with byte fallback on corpus, as dir/tokenizer.model.
void train_sentencepiece(const std::filesystem::path& corpus, const std::filesystem::path& dir);

struct SpReference {
  int32_t bos_id = -1, eos_id = -1, pad_id = -1, unk_id = -1, vocab_size = 0;
  std::vector<std::vector<int32_t>> ids;  // encode(text), no BOS / EOS
  std::vector<std::string> decoded;       // decode(ids)
};

// The sentencepiece Python package's view of model on texts.
SpReference run_sp_reference(const std::filesystem::path& model, const std::vector<std::string>& texts);

}  // namespace lethe::test
