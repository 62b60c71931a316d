#pragma once
// Finds anchored terms in token streams. A term becomes different tokens depending on what comes
// before it: the text's start, a space, a newline, and, in byte-level BPE, a quote, bracket or dash
// that the pre-tokenizer joins to the word (Llama 3 reads `\n"Belo` as `"B elo`). The forms are
// found by the tokenizer itself, encoding the term in every such context, and the substitute is
// written in the same form. Matches start and end at word boundaries ("Ash" is not in "Ashmere").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"
#include "unlearn/anchor_dictionary.h"

namespace lethe::unlearn {

// A context a term can follow, as the text just before it ("" is the text's start).
struct TermContext {
  const char* name;
  const char* text;
};
// The contexts the two families' pre-tokenizers tell apart: the text's start, a space, a newline,
// a tab, and quotes, brackets and dashes after a space, after a newline and right after a word.
const std::vector<TermContext>& term_contexts();

// The tokens of `text` after a context: the encoding of a word, the context and the text, from the
// first token that is not the context's alone, so a token joining the context's last characters
// to the text (`"B`) belongs to the form. `context_tokens` are the ones before it.
struct TokenForm {
  std::vector<int32_t> context_tokens;
  std::vector<int32_t> tokens;  // empty when the tokenizer merges the text with the word before
};
TokenForm token_form(const tokenizer::Tokenizer& tokenizer, const std::string& text, const TermContext& context);

// The word of a substitute whose first token is suppressed once the substitute has been used: its
// first word, or for a noun phrase opened by a function word ("the old town", "a lamp") the last
// word of the phrase ("town", "lamp"); never an article or other function word.
std::string distinctive_word(const std::string& substitute);

struct TermMatch {
  int term = -1;  // index into the dictionary; -1: no match
  int context = 0;  // index into term_contexts(): the form that matched
  size_t length = 0;  // tokens
};

class TermMatcher {
 public:
  TermMatcher(const tokenizer::Tokenizer& tokenizer, const AnchorDictionary& dictionary);

  // The longest form of any term starting at tokens[position] (the paper took the first in
  // dictionary order; the longest is the more specific term).
  TermMatch longest_match(const std::vector<int32_t>& tokens, size_t position) const;

  size_t substitute_count(int term) const { return substitutes_[term].size(); }
  // The substitute's tokens in place of the term's form in the context: what follows the same
  // context tokens when the substitute is written there (its after-space form where the
  // substitute would change the context's own tokens).
  const std::vector<int32_t>& substitute_form(int term, int substitute, int context) const;
  // The first token of every form of the substitute's distinctive word that carries its start (at
  // least three letters of it): suppressed once the substitute has been used.
  const std::vector<int32_t>& suppressed_tokens(int term, int substitute) const;

 private:
  struct Form {
    std::vector<int32_t> tokens;
    int term;
    int context;
  };
  struct Substitute {
    std::vector<std::vector<int32_t>> forms;  // [context]
    std::vector<int32_t> suppressed;
  };
  Substitute substitute_of(const tokenizer::Tokenizer& tok, const std::string& text,
                           const std::vector<TokenForm>& term_forms) const;
  bool ends_at_boundary(const std::vector<int32_t>& tokens, size_t end) const;

  std::map<int32_t, std::vector<Form>> forms_by_first_token_;  // each list longest first
  std::vector<std::vector<Substitute>> substitutes_;           // [term][substitute]
  int after_space_ = 0;                                        // the after-space context's index
  std::vector<bool> starts_word_;  // per token id: its text does not start with a letter or digit
  std::vector<bool> ends_word_;    // per token id: its text does not end with a letter or digit
};

}  // namespace lethe::unlearn
