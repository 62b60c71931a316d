#pragma once
// One interface over the tokenizers lethe reads from a Hugging Face model directory: SentencePiece
// (tokenizer.model, run by libsentencepiece) and tokenizer.json with a BPE model, of the byte-level
// kind (GPT-2, Llama 3, Qwen2) or the SentencePiece kind ("▁" and byte fallback: Llama 2, Mistral).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::tokenizer {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Token ids of text. Special / added tokens written literally in the text are recognised where
  // the format says so (tokenizer.json added_tokens). add_special: prepend BOS (and append EOS)
  // as tokenizer_config.json / the post-processor says, as Hugging Face's encode() does.
  virtual std::vector<int32_t> encode(std::string_view text, bool add_special) const = 0;
  // Text of ids; skip_special drops special tokens (BOS, EOS, ...).
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special) const = 0;

  virtual int32_t vocab_size() const = 0;
  virtual std::string id_to_token(int32_t id) const = 0;  // the vocabulary's own form ("▁the", "Ġthe")
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  virtual std::string kind() const = 0;  // "sentencepiece" or "bpe"

  std::optional<int32_t> bos_id;
  std::optional<int32_t> eos_id;
  std::optional<int32_t> pad_id;
  // Special tokens written in the text ("<s>", "<|eot_id|>") are those tokens, as in Hugging Face
  // (chat templates write them); true keeps them as plain text (its split_special_tokens).
  bool special_tokens_as_text = false;
};

// Loads the tokenizer of a model directory: tokenizer.model (SentencePiece) if present, else
// tokenizer.json; tokenizer_config.json and special_tokens_map.json refine BOS,
// EOS, PAD and add_bos_token. Throws lethe::Error naming the file and the problem.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& model_dir);

// Whether two tokenizers give every text the same ids: the same pieces under the same ids, and the
// same special tokens (two models whose logits are compared need one vocabulary).
bool same_vocabulary(const Tokenizer& a, const Tokenizer& b);

// Turns a stream of token ids into text as it comes, never emitting half of a multi-byte UTF-8
// character: push() returns the new complete text, flush() whatever is left at the end.
class StreamDecoder {
 public:
  // context: ids already shown (a prompt), so that the first new token is decoded in its place
  // (SentencePiece drops the leading space of a text's first piece, not of a continuation).
  explicit StreamDecoder(const Tokenizer& tokenizer, std::vector<int32_t> context = {});
  std::string push(int32_t id);
  std::string flush();

 private:
  // decode(ids_) without what may still change: an unfinished UTF-8 character at the end, or
  // U+FFFD that SentencePiece writes for byte pieces whose character is not complete yet.
  static std::string_view settled_prefix(std::string_view text);

  const Tokenizer& tokenizer_;
  std::vector<int32_t> ids_;
  std::string emitted_;  // text already returned, a prefix of every later decode(ids_)
};

}  // namespace lethe::tokenizer
