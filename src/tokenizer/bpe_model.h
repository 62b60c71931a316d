#pragma once
// The "model" of a BPE tokenizer.json: vocabulary, merges and how one pre-tokenized piece becomes
// ids (Hugging Face's BPE::tokenize, with ignore_merges, unk_token / fuse_unk, and byte_fallback:
// a character outside the vocabulary as its UTF-8 bytes, <0x..> tokens, as SentencePiece does).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/bpe_merges.h"
#include "tokenizer/json_field.h"

namespace lethe::tokenizer {

class BpeModel {
 public:
  // Checks every field: ids dense in [0, vocabulary size) and unique, merges naming known tokens.
  explicit BpeModel(const JsonField& model);
  BpeModel(const BpeModel&) = delete;
  BpeModel& operator=(const BpeModel&) = delete;

  // Appends the ids of one piece (in the vocabulary's alphabet: byte-level, or "▁" for spaces) to out.
  void tokenize(const std::string& piece, std::vector<int32_t>& out) const;

  int32_t size() const { return static_cast<int32_t>(tokens_.size()); }
  const std::string& token(int32_t id) const { return tokens_[id]; }  // id < size()
  std::optional<int32_t> find(const std::string& token) const;

 private:
  void read_vocabulary(const JsonField& vocab);
  void read_merges(const JsonField& merges);
  void read_options(const JsonField& model);
  std::vector<int32_t> merge_word(const std::string& piece) const;
  std::optional<std::vector<int32_t>> byte_fallback(std::string_view character) const;

  std::unordered_map<std::string, int32_t> ids_;
  std::vector<std::string> tokens_;  // by id
  MergeTable merges_;
  bool ignore_merges_ = false;
  std::optional<int32_t> unknown_id_;
  bool fuse_unknown_ = false;
  std::vector<int32_t> byte_ids_;  // with byte_fallback: the id of <0xXX> for each byte, or -1

  // Pieces repeat a lot (" the"), so their ids are remembered; encode() may run on many threads.
  static constexpr std::size_t kCacheCapacity = 10000;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace lethe::tokenizer
