#pragma once
// A Hugging Face tokenizer.json with a BPE model: the byte-level kind (GPT-2, Llama-3, Qwen2,
// SmolLM, ...) and the SentencePiece kind ("▁" for spaces and byte fallback: Llama 2, TinyLlama,
// Mistral), encoding to exactly the ids the tokenizers library gives: added tokens cut out first,
// then normaliser, pre-tokenizer and BPE merges on each remaining stretch, then the
// post-processor's special tokens.
#include <filesystem>
#include <memory>
#include <string>

#include "tokenizer/added_vocabulary.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/decoder.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/post_processor.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/special_tokens_config.h"
#include "tokenizer/tokenizer.h"

namespace lethe::tokenizer {

class BpeTokenizer final : public Tokenizer {
 public:
  // Throws lethe::Error naming the file and field of anything it cannot read or does not support.
  static std::unique_ptr<BpeTokenizer> load(const std::filesystem::path& tokenizer_json,
                                            const SpecialTokensConfig& config);

  std::vector<int32_t> encode(std::string_view text, bool add_special) const override;
  // Through the file's decoder; a byte-level one gives raw bytes (a prefix of the ids may end
  // inside a multi-byte character).
  std::string decode(const std::vector<int32_t>& ids, bool skip_special) const override;

  int32_t vocab_size() const override { return added_.total_size(); }
  std::string id_to_token(int32_t id) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  std::string kind() const override { return "bpe"; }

 private:
  BpeTokenizer(const JsonField& root, const SpecialTokensConfig& config);
  void apply_config(const SpecialTokensConfig& config);
  const std::string& token_text(int32_t id) const;  // throws for an id out of range

  Normalizer normalizer_;
  PreTokenizer pre_tokenizer_;
  Decoder decoder_;
  BpeModel model_;
  AddedVocabulary added_;
  SpecialTokenFrame frame_;  // what encode(add_special = true) puts around the ids
  std::string path_;
};

}  // namespace lethe::tokenizer
