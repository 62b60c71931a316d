#include "unlearn/term_matcher.h"

#include <algorithm>

#include "util/error.h"

namespace lethe::unlearn {
namespace {

// Text put before a term to obtain its form in each context; "a" keeps the context a word of its
// own in both tokenizer families.
const char* context_prefix(Context c) {
  switch (c) {
    case Context::text_start: return "";
    case Context::after_space: return "a ";
    case Context::after_newline: return "a\n";
    case Context::after_quote: return "a \"";
  }
  return "";
}

bool is_ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A vocabulary piece begins a new word when it starts with the families' space or newline marks
// ("▁", "Ġ", "Ċ"), a byte token, or anything but a letter or digit.
bool piece_starts_word(const std::string& piece) {
  if (piece.empty()) return true;
  for (const char* mark : {"\xe2\x96\x81", "\xc4\xa0", "\xc4\x8a", "<0x"})
    if (piece.rfind(mark, 0) == 0) return true;
  return !is_ascii_alnum(static_cast<unsigned char>(piece[0])) && static_cast<unsigned char>(piece[0]) < 0x80;
}

bool piece_ends_word(const std::string& piece) {
  return piece.empty() || !is_ascii_alnum(static_cast<unsigned char>(piece.back()));
}

}  // namespace

std::vector<int32_t> token_form(const tokenizer::Tokenizer& tok, const std::string& text, Context context) {
  std::string prefix = context_prefix(context);
  auto whole = tok.encode(prefix + text, /*add_special=*/false);
  // A space before the term belongs to the term's first token ("▁John", "ĠJohn"), not to the context.
  std::string head_text = prefix.substr(0, prefix.find_last_not_of(' ') + 1);
  auto head = tok.encode(head_text, /*add_special=*/false);
  if (head.size() >= whole.size() || !std::equal(head.begin(), head.end(), whole.begin())) return {};
  return {whole.begin() + head.size(), whole.end()};
}

TermMatcher::TermMatcher(const tokenizer::Tokenizer& tok, const AnchorDictionary& dictionary) {
  starts_word_.resize(tok.vocab_size());
  ends_word_.resize(tok.vocab_size());
  for (int32_t id = 0; id < tok.vocab_size(); ++id) {
    auto piece = tok.id_to_token(id);
    starts_word_[id] = piece_starts_word(piece);
    ends_word_[id] = piece_ends_word(piece);
  }
  for (size_t t = 0; t < dictionary.size(); ++t) {
    for (int c = 0; c < kContexts; ++c) {
      auto tokens = token_form(tok, dictionary[t].term, static_cast<Context>(c));
      if (tokens.empty()) continue;
      auto& list = forms_by_first_token_[tokens.front()];
      bool known = std::any_of(list.begin(), list.end(), [&](const Form& f) { return f.tokens == tokens; });
      if (!known) list.push_back({tokens, static_cast<int>(t), static_cast<Context>(c)});
    }
    std::vector<Substitute> subs;
    for (const auto& text : dictionary[t].substitutes) {
      Substitute s;
      for (int c = 0; c < kContexts; ++c) {
        s.forms[c] = token_form(tok, text, static_cast<Context>(c));
        if (!s.forms[c].empty() &&
            std::find(s.first_tokens.begin(), s.first_tokens.end(), s.forms[c].front()) == s.first_tokens.end())
          s.first_tokens.push_back(s.forms[c].front());
      }
      if (s.forms[static_cast<int>(Context::after_space)].empty())
        throw Error("anchored terms: the substitute \"" + text + "\" has no tokens after a space");
      subs.push_back(std::move(s));
    }
    substitutes_.push_back(std::move(subs));
  }
  for (auto& [first, list] : forms_by_first_token_)
    std::stable_sort(list.begin(), list.end(), [](const Form& a, const Form& b) { return a.tokens.size() > b.tokens.size(); });
}

bool TermMatcher::ends_at_boundary(const std::vector<int32_t>& tokens, size_t end) const {
  return end == tokens.size() || tokens[end] < 0 || tokens[end] >= static_cast<int32_t>(starts_word_.size()) ||
         starts_word_[tokens[end]];
}

TermMatch TermMatcher::longest_match(const std::vector<int32_t>& tokens, size_t position) const {
  auto it = forms_by_first_token_.find(tokens[position]);
  if (it == forms_by_first_token_.end()) return {};
  // A form without a leading space mark (after a newline or a quote) must not continue a word.
  bool after_word = position > 0 && tokens[position - 1] >= 0 &&
                    tokens[position - 1] < static_cast<int32_t>(ends_word_.size()) && !ends_word_[tokens[position - 1]];
  for (const auto& form : it->second) {
    size_t end = position + form.tokens.size();
    if (end > tokens.size() || !std::equal(form.tokens.begin(), form.tokens.end(), tokens.begin() + position)) continue;
    if (!ends_at_boundary(tokens, end)) continue;
    if (after_word && !starts_word_[form.tokens.front()]) continue;
    return {form.term, form.context, form.tokens.size()};
  }
  return {};
}

const std::vector<int32_t>& TermMatcher::substitute_form(int term, int substitute, Context context) const {
  const auto& s = substitutes_[term][substitute];
  const auto& form = s.forms[static_cast<int>(context)];
  return form.empty() ? s.forms[static_cast<int>(Context::after_space)] : form;
}

const std::vector<int32_t>& TermMatcher::substitute_first_tokens(int term, int substitute) const {
  return substitutes_[term][substitute].first_tokens;
}

}  // namespace lethe::unlearn
