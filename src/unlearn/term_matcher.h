#pragma once
// Finds anchored terms in token streams. A term becomes different tokens depending on what comes
// before it (text start, a space, a newline, a quote) in SentencePiece and byte-level BPE alike,
// so every form is matched, and the substitute is written in the same form. Matches must start
// and end at word boundaries ("Ash" is not found in "Ashmere").
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"
#include "unlearn/anchor_dictionary.h"

namespace lethe::unlearn {

enum class Context { text_start, after_space, after_newline, after_quote };
constexpr int kContexts = 4;

// The tokens of `text` when it follows the context, or {} if the tokenizer merges it with the
// context (then that form does not exist).
std::vector<int32_t> token_form(const tokenizer::Tokenizer& tokenizer, const std::string& text, Context context);

struct TermMatch {
  int term = -1;  // index into the dictionary; -1: no match
  Context context = Context::text_start;
  size_t length = 0;  // tokens
};

class TermMatcher {
 public:
  TermMatcher(const tokenizer::Tokenizer& tokenizer, const AnchorDictionary& dictionary);

  // The longest form of any term starting at tokens[position] (the paper took the first in
  // dictionary order; the longest is the more specific term).
  TermMatch longest_match(const std::vector<int32_t>& tokens, size_t position) const;

  size_t substitute_count(int term) const { return substitutes_[term].size(); }
  // The substitute's tokens in the context (its after-space form where that context has none).
  const std::vector<int32_t>& substitute_form(int term, int substitute, Context context) const;
  // The first token of each form of the substitute: suppressed once it has been used.
  const std::vector<int32_t>& substitute_first_tokens(int term, int substitute) const;

 private:
  struct Form {
    std::vector<int32_t> tokens;
    int term;
    Context context;
  };
  struct Substitute {
    std::array<std::vector<int32_t>, kContexts> forms;
    std::vector<int32_t> first_tokens;
  };
  bool ends_at_boundary(const std::vector<int32_t>& tokens, size_t end) const;

  std::map<int32_t, std::vector<Form>> forms_by_first_token_;  // each list longest first
  std::vector<std::vector<Substitute>> substitutes_;           // [term][substitute]
  std::vector<bool> starts_word_;  // per token id: its text starts with a space, newline or punctuation
  std::vector<bool> ends_word_;    // per token id: its text does not end in a letter or digit
};

}  // namespace lethe::unlearn
