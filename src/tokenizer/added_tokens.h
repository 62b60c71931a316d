#pragma once
// tokenizer.json's added_tokens (special tokens like "<|endoftext|>" and user-added ones): they are
// cut out of the text before anything else and become their ids directly, as Hugging Face does:
// leftmost-longest match, single_word / lstrip / rstrip honoured, "normalized" tokens matched in
// the normalised text and the others in the raw text.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::tokenizer {

struct AddedToken {
  std::string content;  // as written in tokenizer.json; token_to_id looks this up
  // What id_to_token and decode give: for a normalized token Hugging Face keeps its normalised
  // content there (NFC "été" for "e\u0301te\u0301").
  std::string vocabulary_form;
  int32_t id = 0;
  bool special = false;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
};

// A stretch of input: text still to be tokenized, or one added token.
struct Segment {
  std::string text;
  std::optional<int32_t> token_id;
};

// Finds a set of added tokens in text.
class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;  // matches nothing
  // Searches for the vocabulary_form of tokens, given in Hugging Face's order of preference.
  explicit AddedTokenMatcher(std::vector<AddedToken> tokens);

  // Splits text into text segments and token segments; empty text segments are left out.
  std::vector<Segment> split(std::string_view text) const;

 private:
  struct Found {
    std::size_t begin;
    std::size_t end;
    const AddedToken* token;  // in tokens_
  };
  std::optional<Found> find_from(std::string_view text, std::size_t pos) const;
  static bool is_single_word(std::string_view text, const Found& found);

  std::vector<AddedToken> tokens_;
  // Indices into tokens_ by the first byte of their form, longest form first.
  std::array<std::vector<std::size_t>, 256> by_first_byte_;
};

}  // namespace lethe::tokenizer
