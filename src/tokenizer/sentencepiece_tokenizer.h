#pragma once
// A SentencePiece tokenizer.model (Llama-2, Mistral, Gemma, ...) run by libsentencepiece itself.
// encode adds BOS (unless tokenizer_config.json's add_bos_token says no) and EOS (if its
// add_eos_token says so), as transformers' Llama tokenizer does; the text of a control or unknown
// piece written in the text ("<s>", "</s>", "<unk>", as chat templates write them) is that piece,
// and each stretch between them is encoded on its own, as Hugging Face does.
#include <filesystem>
#include <memory>
#include <string>

#include "tokenizer/sentencepiece_backend.h"
#include "tokenizer/special_tokens_config.h"
#include "tokenizer/tokenizer.h"

namespace lethe::tokenizer {

class SentencePieceTokenizer final : public Tokenizer {
 public:
  // Throws lethe::Error "PATH: not a SentencePiece model: ..." for anything libsentencepiece refuses.
  static std::unique_ptr<SentencePieceTokenizer> load(const std::filesystem::path& model_path,
                                                      const SpecialTokensConfig& config);

  std::vector<int32_t> encode(std::string_view text, bool add_special) const override;
  // skip_special drops control pieces (BOS, EOS, PAD, ...), the unknown piece and the configured
  // BOS / EOS / PAD.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special) const override;

  int32_t vocab_size() const override { return backend_->piece_size(); }
  std::string id_to_token(int32_t id) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  std::string kind() const override { return "sentencepiece"; }

  // The model file's own account of a piece, for writing the vocabulary into other formats.
  enum class PieceType { kNormal, kUnknown, kControl, kByte, kUnused };
  PieceType piece_type(int32_t id) const;
  float score(int32_t id) const;

 private:
  explicit SentencePieceTokenizer(std::string path) : backend_(make_sentencepiece_backend()), path_(std::move(path)) {}
  void apply_config(const SpecialTokensConfig& config);
  void check_id(int32_t id) const;
  bool is_special(int32_t id) const;
  void encode_stretch(std::string_view text, std::vector<int32_t>& ids) const;

  std::unique_ptr<SentencePieceBackend> backend_;
  std::string path_;
  bool add_bos_ = true;
  bool add_eos_ = false;
  std::vector<std::pair<std::string, int32_t>> literal_pieces_;  // control and unknown pieces, longest first
};

}  // namespace lethe::tokenizer
