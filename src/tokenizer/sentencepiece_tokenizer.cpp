#include "tokenizer/sentencepiece_tokenizer.h"

#include <fmt/format.h>

#include <algorithm>

#include "io/file.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

// libsentencepiece says -1 where a model has no such piece.
std::optional<int32_t> present(int id) { return id < 0 ? std::nullopt : std::optional<int32_t>(id); }

}  // namespace

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::load(const std::filesystem::path& model_path,
                                                                     const SpecialTokensConfig& config) {
  std::string bytes = io::read_file(model_path);
  std::unique_ptr<SentencePieceTokenizer> tokenizer(new SentencePieceTokenizer(model_path.string()));
  std::string failure = tokenizer->backend_->load(bytes);
  if (failure.empty() && tokenizer->backend_->piece_size() == 0) failure = "it has no pieces";
  if (!failure.empty()) throw Error(fmt::format("{}: not a SentencePiece model: {}", model_path.string(), failure));
  tokenizer->bos_id = present(tokenizer->backend_->bos_id());
  tokenizer->eos_id = present(tokenizer->backend_->eos_id());
  tokenizer->pad_id = present(tokenizer->backend_->pad_id());
  tokenizer->apply_config(config);
  for (int32_t id = 0; id < tokenizer->vocab_size(); ++id)
    if (tokenizer->backend_->is_control(id) || tokenizer->backend_->is_unknown(id))
      if (std::string piece = tokenizer->backend_->id_to_piece(id); !piece.empty())
        tokenizer->literal_pieces_.emplace_back(piece, id);
  std::stable_sort(tokenizer->literal_pieces_.begin(), tokenizer->literal_pieces_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return tokenizer;
}

void SentencePieceTokenizer::apply_config(const SpecialTokensConfig& config) {
  const auto resolve = [&](const std::optional<ConfigToken>& token, std::optional<int32_t>& id) {
    if (!token) return;
    id = token_to_id(token->content);
    if (!id) throw Error(fmt::format("{}: \"{}\" is not a piece of {}", token->source, token->content, path_));
  };
  resolve(config.bos_token, bos_id);
  resolve(config.eos_token, eos_id);
  resolve(config.pad_token, pad_id);
  add_bos_ = config.add_bos_token.value_or(true);
  add_eos_ = config.add_eos_token.value_or(false);
}

void SentencePieceTokenizer::encode_stretch(std::string_view text, std::vector<int32_t>& ids) const {
  if (text.empty()) return;
  std::vector<int> pieces;
  std::string failure = backend_->encode(text, &pieces);
  if (!failure.empty()) throw Error(fmt::format("{}: cannot encode text: {}", path_, failure));
  ids.insert(ids.end(), pieces.begin(), pieces.end());
}

std::vector<int32_t> SentencePieceTokenizer::encode(std::string_view text, bool add_special) const {
  std::vector<int32_t> ids;
  if (add_special && add_bos_ && bos_id) ids.push_back(*bos_id);
  // Where each piece next occurs at or after `start`, searched again only once passed, so that a
  // text with many special pieces is scanned about once per piece, not once per match.
  std::vector<std::size_t> next(literal_pieces_.size(), std::string_view::npos);
  if (!special_tokens_as_text)
    for (std::size_t i = 0; i < next.size(); ++i) next[i] = text.find(literal_pieces_[i].first);
  for (std::size_t start = 0;;) {
    std::size_t earliest = next.size();  // at one position the longest piece, which comes first
    for (std::size_t i = 0; i < next.size(); ++i) {
      if (next[i] != std::string_view::npos && next[i] < start) next[i] = text.find(literal_pieces_[i].first, start);
      if (next[i] != std::string_view::npos && (earliest == next.size() || next[i] < next[earliest])) earliest = i;
    }
    if (earliest == next.size()) {
      encode_stretch(text.substr(start), ids);
      break;
    }
    encode_stretch(text.substr(start, next[earliest] - start), ids);
    ids.push_back(literal_pieces_[earliest].second);
    start = next[earliest] + literal_pieces_[earliest].first.size();
  }
  if (add_special && add_eos_ && eos_id) ids.push_back(*eos_id);
  return ids;
}

void SentencePieceTokenizer::check_id(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw Error(fmt::format("{}: token id {} is out of range [0, {})", path_, id, vocab_size()));
}

bool SentencePieceTokenizer::is_special(int32_t id) const {
  return backend_->is_control(id) || backend_->is_unknown(id) || id == bos_id || id == eos_id || id == pad_id;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int32_t id : ids) {
    check_id(id);
    if (!(skip_special && is_special(id))) kept.push_back(id);
  }
  std::string text;
  std::string failure = backend_->decode(kept, &text);
  if (!failure.empty()) throw Error(fmt::format("{}: cannot decode: {}", path_, failure));
  return text;
}

std::string SentencePieceTokenizer::id_to_token(int32_t id) const {
  check_id(id);
  return backend_->id_to_piece(id);
}

SentencePieceTokenizer::PieceType SentencePieceTokenizer::piece_type(int32_t id) const {
  check_id(id);
  if (backend_->is_unknown(id)) return PieceType::kUnknown;
  if (backend_->is_control(id)) return PieceType::kControl;
  if (backend_->is_byte(id)) return PieceType::kByte;
  if (backend_->is_unused(id)) return PieceType::kUnused;
  return PieceType::kNormal;
}

float SentencePieceTokenizer::score(int32_t id) const {
  check_id(id);
  return backend_->score(id);
}

std::optional<int32_t> SentencePieceTokenizer::token_to_id(std::string_view token) const {
  int id = backend_->piece_to_id(token);
  // PieceToId answers the unknown piece's id for anything it does not know.
  if (id < 0 || backend_->id_to_piece(id) != token) return std::nullopt;
  return id;
}

}  // namespace lethe::tokenizer
