#include "unlearn/term_matcher.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"
#include "util/error.h"
#include "util/words.h"

namespace lethe::unlearn {
namespace {

// Articles, determiners, possessives, prepositions, conjunctions and pronouns: words that every
// text uses, so suppressing them would erase them from the rest of a block.
const std::set<std::string>& function_words() {
  static const std::set<std::string> words = {
      "a",    "an",    "the",  "this",  "that", "these", "those", "his",  "her",  "its",  "their", "my",
      "your", "our",   "some", "any",   "no",   "every", "each",  "of",   "in",   "on",   "at",    "to",
      "for",  "with",  "from", "by",    "into", "over",  "under", "and",  "or",   "but",  "nor",   "as",
      "who",  "which", "whom", "whose", "he",   "she",   "it",    "they", "we",   "you",  "i",     "him",
      "them", "us",    "me",   "is",    "was",  "be",    "not"};
  return words;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_function_word(const std::string& word) { return function_words().count(lowercase(word)) > 0; }

// The text each token stands for inside a longer text (a leading space included), found by
// decoding it after "a": decoding a token alone drops SentencePiece's leading space.
std::vector<std::string> token_texts(const tokenizer::Tokenizer& tok) {
  auto anchor = tok.encode("a", /*add_special=*/false);
  const bool anchored = !anchor.empty() && tok.decode(anchor, false) == "a";
  std::vector<std::string> texts(tok.vocab_size());
  for (int32_t id = 0; id < tok.vocab_size(); ++id) {
    if (!anchored) {
      texts[id] = tok.decode({id}, false);
      continue;
    }
    auto ids = anchor;
    ids.push_back(id);
    std::string both = tok.decode(ids, false);
    texts[id] = both.rfind('a', 0) == 0 ? both.substr(1) : both;
  }
  return texts;
}

// Whether the character at one end of a token's text is a letter or digit (a word goes on across
// it). A byte piece that holds part of a character counts as a boundary, as before.
bool word_character_at_start(const std::string& text) {
  char32_t c = 0;
  return !text.empty() && tokenizer::utf8::decode(text, 0, c) > 0 && tokenizer::unicode::is_word_character(c);
}

bool word_character_at_end(const std::string& text) {
  if (text.empty() || tokenizer::utf8::incomplete_tail_size(text) > 0) return false;
  size_t start = text.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  char32_t c = 0;
  return tokenizer::utf8::decode(text, start, c) > 0 && tokenizer::unicode::is_word_character(c);
}

std::string letters_of(const std::string& text) {
  std::string letters;
  for (char c : text)
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) letters += c;
  return letters;
}

// Whether a first token of a form of `word` is worth suppressing: it carries the word's start, at
// least three of its letters (all of a shorter word), and is no function word. A lone piece such as
// "t" of "town" or "T" of "Tom" after a newline also begins countless other words; " the" is " the".
bool suppressible(const std::string& token_text, const std::string& word) {
  const std::string letters = letters_of(token_text), word_letters = letters_of(word);
  return !letters.empty() && !is_function_word(letters) && word_letters.rfind(letters, 0) == 0 &&
         letters.size() >= std::min<size_t>(3, word_letters.size());
}

// The text put before a term to see its form in a context: the context after a word of its own
// ("a"), in both families; nothing for the text's start.
std::string text_before(const TermContext& context) {
  return context.text[0] == '\0' ? "" : std::string("a") + context.text;
}

}  // namespace

const std::vector<TermContext>& term_contexts() {
  static const std::vector<TermContext> contexts = {
      {"text start", ""},
      {"after a space", " "},
      {"after a newline", "\n"},
      {"after a tab", "\t"},
      {"after a space and a quote", " \""},
      {"after a newline and a quote", "\n\""},
      {"after a word and a quote", "\""},
      {"after a space and an apostrophe", " '"},
      {"after a newline and an apostrophe", "\n'"},
      {"after a space and a curly quote", " \u201c"},
      {"after a newline and a curly quote", "\n\u201c"},
      {"after a space and a curly apostrophe", " \u2018"},
      {"after a newline and a curly apostrophe", "\n\u2018"},
      {"after a space and a bracket", " ("},
      {"after a newline and a bracket", "\n("},
      {"after a word and a bracket", "("},
      {"after a space and a square bracket", " ["},
      {"after a newline and a square bracket", "\n["},
      {"after a hyphen", "-"},
      {"after a space and a hyphen", " -"},
      {"after a newline and a hyphen", "\n-"},
      {"after an em dash", "\u2014"},
      {"after a space and an em dash", " \u2014"},
      {"after an en dash", "\u2013"},
      {"after a space and an en dash", " \u2013"},
  };
  return contexts;
}

TokenForm token_form(const tokenizer::Tokenizer& tok, const std::string& text, const TermContext& context) {
  const std::string before = text_before(context);
  if (before.empty()) return {{}, tok.encode(text, /*add_special=*/false)};
  // A space before the term belongs to the term's first token ("▁John", "ĠJohn"), not to the context.
  auto head = tok.encode(before.substr(0, before.find_last_not_of(' ') + 1), /*add_special=*/false);
  auto whole = tok.encode(before + text, /*add_special=*/false);
  size_t common = 0;
  while (common < head.size() && common < whole.size() && head[common] == whole[common]) ++common;
  if (common == 0 || common == whole.size()) return {};
  return {{whole.begin(), whole.begin() + common}, {whole.begin() + common, whole.end()}};
}

std::string distinctive_word(const std::string& substitute) {
  auto words = util::words_of(substitute);
  if (words.empty()) return substitute;
  if (!is_function_word(words[0])) return words[0];
  size_t first = 0;
  while (first < words.size() && is_function_word(words[first])) ++first;
  if (first == words.size()) return words.back();
  size_t last = first;
  while (last + 1 < words.size() && !is_function_word(words[last + 1])) ++last;
  return words[last];
}

TermMatcher::Substitute TermMatcher::substitute_of(const tokenizer::Tokenizer& tok, const std::string& text,
                                                   const std::vector<TokenForm>& term_forms) const {
  const auto& contexts = term_contexts();
  Substitute s;
  s.forms.resize(contexts.size());
  for (size_t c = 0; c < contexts.size(); ++c) {
    if (term_forms[c].tokens.empty()) {  // no such form of the term; the after-space one is the fallback
      if (c == static_cast<size_t>(after_space_)) s.forms[c] = token_form(tok, text, contexts[c]).tokens;
      continue;
    }
    // Written where the term was: what follows the context tokens of the term's form ("(Hermione" is
    // "(H erm ione" after "a\n", "(Anna" is "( Anna").
    const auto& context_tokens = term_forms[c].context_tokens;
    auto whole = tok.encode(text_before(contexts[c]) + text, /*add_special=*/false);
    if (whole.size() > context_tokens.size() &&
        std::equal(context_tokens.begin(), context_tokens.end(), whole.begin()))
      s.forms[c].assign(whole.begin() + static_cast<std::ptrdiff_t>(context_tokens.size()), whole.end());
  }
  if (s.forms[after_space_].empty())
    throw Error("anchored terms: the substitute \"" + text + "\" has no tokens after a space");
  const std::string word = distinctive_word(text);
  for (const auto& context : contexts) {
    auto form = token_form(tok, word, context).tokens;
    if (form.empty() || !suppressible(tok.decode({form.front()}, false), word)) continue;
    if (std::find(s.suppressed.begin(), s.suppressed.end(), form.front()) == s.suppressed.end())
      s.suppressed.push_back(form.front());
  }
  return s;
}

TermMatcher::TermMatcher(const tokenizer::Tokenizer& tok, const AnchorDictionary& dictionary) {
  const auto& contexts = term_contexts();
  for (size_t c = 0; c < contexts.size(); ++c)
    if (std::string(contexts[c].text) == " ") after_space_ = static_cast<int>(c);
  auto texts = token_texts(tok);
  starts_word_.resize(texts.size());
  ends_word_.resize(texts.size());
  for (size_t id = 0; id < texts.size(); ++id) {
    starts_word_[id] = !word_character_at_start(texts[id]);
    ends_word_[id] = !word_character_at_end(texts[id]);
  }
  for (size_t t = 0; t < dictionary.size(); ++t) {
    std::vector<TokenForm> term_forms;
    for (size_t c = 0; c < contexts.size(); ++c) {
      term_forms.push_back(token_form(tok, dictionary[t].term, contexts[c]));
      const auto& tokens = term_forms.back().tokens;
      if (tokens.empty()) continue;
      auto& list = forms_by_first_token_[tokens.front()];
      bool known = std::any_of(list.begin(), list.end(), [&](const Form& f) { return f.tokens == tokens; });
      if (!known) list.push_back({tokens, static_cast<int>(t), static_cast<int>(c)});
    }
    std::vector<Substitute> subs;
    for (const auto& text : dictionary[t].substitutes) subs.push_back(substitute_of(tok, text, term_forms));
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
  // A form that starts with a letter (after a newline, say) must not continue a word.
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

const std::vector<int32_t>& TermMatcher::substitute_form(int term, int substitute, int context) const {
  const auto& s = substitutes_[term][substitute];
  const auto& form = s.forms[context];
  return form.empty() ? s.forms[after_space_] : form;
}

const std::vector<int32_t>& TermMatcher::suppressed_tokens(int term, int substitute) const {
  return substitutes_[term][substitute].suppressed;
}

}  // namespace lethe::unlearn
