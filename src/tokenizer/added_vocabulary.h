#pragma once
// The added tokens of a tokenizer.json on top of its BPE model, with the ids Hugging Face gives
// them: a token already in the model keeps the model's id, a new one takes the next id after the
// model's vocabulary. The ids written in the file must agree, or the file is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/json_field.h"
#include "tokenizer/normalizer.h"

namespace lethe::tokenizer {

class AddedVocabulary {
 public:
  AddedVocabulary(const std::optional<JsonField>& added_tokens, const BpeModel& model, const Normalizer& normalizer);

  // Cuts the added tokens out of text; text segments come back normalised. special_as_text: the
  // special ones stay text (Hugging Face's split_special_tokens).
  std::vector<Segment> split(std::string_view text, const Normalizer& normalizer, bool special_as_text) const;

  const AddedToken* find(int32_t id) const;
  std::optional<int32_t> find(const std::string& content) const;
  // Model vocabulary plus the added tokens that are not in it: ids are dense below this.
  int32_t total_size() const { return total_size_; }

 private:
  AddedToken read_token(const JsonField& field) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<int32_t, std::size_t> index_of_id_;
  std::unordered_map<std::string, std::size_t> index_of_content_;
  int32_t total_size_;
  struct Matchers {
    AddedTokenMatcher raw;         // tokens with normalized: false, matched in raw text
    AddedTokenMatcher normalized;  // tokens with normalized: true, matched after normalisation
  };
  Matchers all_;
  Matchers not_special_;
};

}  // namespace lethe::tokenizer
