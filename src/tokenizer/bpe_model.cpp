#include "tokenizer/bpe_model.h"

#include <fmt/format.h>

#include "tokenizer/utf8.h"

namespace lethe::tokenizer {

BpeModel::BpeModel(const JsonField& model) {
  model.expect_object();
  std::string type = model.find("type") ? model.type_name() : "BPE";
  if (type != "BPE") model["type"].fail(fmt::format("unsupported model type \"{}\" (lethe reads BPE)", type));
  read_vocabulary(model["vocab"]);
  read_merges(model["merges"]);
  read_options(model);
}

void BpeModel::read_vocabulary(const JsonField& vocab) {
  vocab.expect_object();
  const std::size_t count = vocab.json().size();
  if (count == 0) vocab.fail("the vocabulary is empty");
  tokens_.resize(count);
  std::vector<bool> seen(count, false);
  for (const auto& [token, value] : vocab.json().items()) {
    JsonField id_field = vocab[token];
    int32_t id = id_field.as_id();
    if (static_cast<std::size_t>(id) >= count)
      id_field.fail(fmt::format("id {} is out of range: the vocabulary has {} tokens, ids 0 to {}", id, count, count - 1));
    if (seen[id]) id_field.fail(fmt::format("id {} is also the id of \"{}\"", id, tokens_[id]));
    seen[id] = true;
    tokens_[id] = token;
    ids_.emplace(token, id);
  }
}

void BpeModel::read_merges(const JsonField& merges) {
  const std::size_t count = merges.size();
  for (std::size_t rank = 0; rank < count; ++rank) {
    JsonField merge = merges.at(rank);
    std::string left, right;
    if (merge.json().is_string()) {  // the older "left right" form
      std::string text = merge.as_string();
      std::size_t space = text.find(' ');
      if (space == std::string::npos) merge.fail("expected \"left right\"");
      left = text.substr(0, space);
      right = text.substr(space + 1);
    } else {
      if (merge.size() != 2) merge.fail("expected a pair of tokens");
      left = merge.at(0).as_string();
      right = merge.at(1).as_string();
    }
    std::optional<int32_t> left_id = find(left), right_id = find(right), result = find(left + right);
    if (!left_id) merge.fail(fmt::format("merge names \"{}\", which is not in the vocabulary", left));
    if (!right_id) merge.fail(fmt::format("merge names \"{}\", which is not in the vocabulary", right));
    if (!result) merge.fail(fmt::format("merge result \"{}{}\" is not in the vocabulary", left, right));
    if (rank >= static_cast<std::size_t>(INT32_MAX)) merge.fail("too many merges");
    merges_.add(*left_id, *right_id, {static_cast<int32_t>(rank), *result});
  }
}

void BpeModel::read_options(const JsonField& model) {
  ignore_merges_ = model.bool_or("ignore_merges", false);
  fuse_unknown_ = model.bool_or("fuse_unk", false);
  if (model.bool_or("byte_fallback", false)) {
    byte_ids_.assign(256, -1);
    for (int byte = 0; byte < 256; ++byte) byte_ids_[byte] = find(fmt::format("<0x{:02X}>", byte)).value_or(-1);
  }
  if (std::optional<JsonField> dropout = model.find("dropout")) {
    if (!dropout->json().is_number()) dropout->fail("expected a number");
    if (dropout->json().get<double>() != 0.0) dropout->fail("BPE dropout is not supported");
  }
  for (const char* affix : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (std::optional<JsonField> field = model.find(affix))
      if (!field->as_string().empty()) field->fail("is not supported by lethe's BPE");
  if (std::optional<JsonField> unknown = model.find("unk_token")) {
    unknown_id_ = find(unknown->as_string());
    if (!unknown_id_) unknown->fail(fmt::format("\"{}\" is not in the vocabulary", unknown->as_string()));
  }
}

std::optional<int32_t> BpeModel::find(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

// The <0xXX> ids of a character's bytes, or nothing when one of them is not in the vocabulary.
std::optional<std::vector<int32_t>> BpeModel::byte_fallback(std::string_view character) const {
  if (byte_ids_.empty()) return std::nullopt;
  std::vector<int32_t> ids;
  for (unsigned char byte : character) {
    if (byte_ids_[byte] < 0) return std::nullopt;
    ids.push_back(byte_ids_[byte]);
  }
  return ids;
}

std::vector<int32_t> BpeModel::merge_word(const std::string& piece) const {
  std::vector<int32_t> symbols;
  bool unknown_pending = false;  // with fuse_unk, a run of unknown characters is one unk token
  char32_t code_point;
  for (std::size_t pos = 0; pos < piece.size();) {
    std::size_t length = utf8::decode(piece, pos, code_point);
    if (length == 0) length = 1;  // cannot happen for text that passed the UTF-8 check
    const std::string character = piece.substr(pos, length);
    pos += length;
    std::optional<int32_t> id = find(character);
    std::optional<std::vector<int32_t>> bytes = id ? std::nullopt : byte_fallback(character);
    if (id || bytes) {
      if (id) symbols.push_back(*id);
      else symbols.insert(symbols.end(), bytes->begin(), bytes->end());
      unknown_pending = false;
    } else if (unknown_id_ && !(fuse_unknown_ && unknown_pending)) {
      symbols.push_back(*unknown_id_);
      unknown_pending = true;
    }
    // Without an unk_token, Hugging Face drops a character that is not in the vocabulary.
  }
  return merges_.merge(symbols);
}

void BpeModel::tokenize(const std::string& piece, std::vector<int32_t>& out) const {
  if (piece.empty()) return;
  if (ignore_merges_) {
    if (std::optional<int32_t> id = find(piece)) {
      out.push_back(*id);
      return;
    }
  }
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(piece);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> ids = merge_word(piece);
  out.insert(out.end(), ids.begin(), ids.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() < kCacheCapacity) cache_.emplace(piece, std::move(ids));
}

}  // namespace lethe::tokenizer
