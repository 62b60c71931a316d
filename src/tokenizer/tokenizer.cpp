#include "tokenizer/tokenizer.h"

#include <fmt/format.h>

#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/sentencepiece_tokenizer.h"
#include "tokenizer/special_tokens_config.h"
#include "tokenizer/utf8.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool same_vocabulary(const Tokenizer& a, const Tokenizer& b) {
  if (a.kind() != b.kind() || a.vocab_size() != b.vocab_size() || a.bos_id != b.bos_id || a.eos_id != b.eos_id)
    return false;
  for (int32_t id = 0; id < a.vocab_size(); ++id)
    if (a.id_to_token(id) != b.id_to_token(id)) return false;
  return true;
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& model_dir) {
  const std::filesystem::path sentencepiece = model_dir / "tokenizer.model";
  const std::filesystem::path hugging_face = model_dir / "tokenizer.json";
  if (std::filesystem::exists(sentencepiece))
    return SentencePieceTokenizer::load(sentencepiece, read_special_tokens_config(model_dir));
  if (std::filesystem::exists(hugging_face))
    return BpeTokenizer::load(hugging_face, read_special_tokens_config(model_dir));
  throw Error(fmt::format("{}: no tokenizer: looked for tokenizer.model (SentencePiece) and tokenizer.json (BPE)",
                          model_dir.string()));
}

std::string_view StreamDecoder::settled_prefix(std::string_view text) {
  text.remove_suffix(utf8::incomplete_tail_size(text));
  while (ends_with(text, kReplacementCharacter)) text.remove_suffix(kReplacementCharacter.size());
  return text;
}

StreamDecoder::StreamDecoder(const Tokenizer& tokenizer, std::vector<int32_t> context)
    : tokenizer_(tokenizer), ids_(std::move(context)) {
  if (!ids_.empty()) emitted_ = settled_prefix(tokenizer_.decode(ids_, true));
}

std::string StreamDecoder::push(int32_t id) {
  ids_.push_back(id);
  std::string text = tokenizer_.decode(ids_, true);
  std::string_view settled = settled_prefix(text);
  // A decoder may rewrite the start of its text (SentencePiece drops the first piece's leading
  // space), so a decode need not extend the previous one: emit only once it does.
  if (settled.size() <= emitted_.size() || !starts_with(settled, emitted_)) return "";
  std::string fresh(settled.substr(emitted_.size()));
  emitted_ += fresh;
  return fresh;
}

std::string StreamDecoder::flush() {
  std::string text = tokenizer_.decode(ids_, true);
  if (!starts_with(text, emitted_)) return "";
  std::string rest = text.substr(emitted_.size());
  emitted_ = text;
  return rest;
}

}  // namespace lethe::tokenizer
