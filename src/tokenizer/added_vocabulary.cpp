#include "tokenizer/added_vocabulary.h"

#include <fmt/format.h>

namespace lethe::tokenizer {
namespace {

// Hugging Face searches special tokens before the others, each group in file order.
std::vector<const AddedToken*> in_search_order(const std::vector<AddedToken>& tokens) {
  std::vector<const AddedToken*> ordered;
  for (bool special : {true, false})
    for (const AddedToken& token : tokens)
      if (token.special == special) ordered.push_back(&token);
  return ordered;
}

AddedTokenMatcher make_matcher(const std::vector<AddedToken>& tokens, bool normalized, bool with_special) {
  std::vector<AddedToken> selected;
  for (const AddedToken* token : in_search_order(tokens))
    if (token->normalized == normalized && (with_special || !token->special)) selected.push_back(*token);
  return AddedTokenMatcher(std::move(selected));
}

}  // namespace

AddedVocabulary::AddedVocabulary(const std::optional<JsonField>& added_tokens, const BpeModel& model,
                                 const Normalizer& normalizer)
    : total_size_(model.size()) {
  const std::size_t count = added_tokens ? added_tokens->size() : 0;
  for (std::size_t i = 0; i < count; ++i) {
    JsonField field = added_tokens->at(i);
    AddedToken token = read_token(field);
    token.vocabulary_form = token.normalized ? normalizer.apply(token.content) : token.content;
    if (index_of_content_.count(token.content))
      field["content"].fail(fmt::format("\"{}\" is added twice", token.content));
    std::optional<int32_t> model_id = model.find(token.content);
    int32_t expected = model_id ? *model_id : total_size_;
    if (token.id != expected)
      field["id"].fail(fmt::format("id {} for \"{}\" disagrees with Hugging Face, which gives it id {} ({})", token.id,
                                   token.content, expected,
                                   model_id ? "its id in model.vocab" : "the next id after the vocabulary"));
    if (!model_id) {
      if (total_size_ == INT32_MAX - 1) field.fail("too many tokens");
      ++total_size_;
    }
    index_of_id_.emplace(token.id, tokens_.size());
    index_of_content_.emplace(token.content, tokens_.size());
    tokens_.push_back(std::move(token));
  }
  for (bool with_special : {true, false}) {
    Matchers& matchers = with_special ? all_ : not_special_;
    matchers.raw = make_matcher(tokens_, false, with_special);
    matchers.normalized = make_matcher(tokens_, true, with_special);
  }
}

AddedToken AddedVocabulary::read_token(const JsonField& field) const {
  AddedToken token;
  token.id = field["id"].as_id();
  token.content = field["content"].as_string();
  if (token.content.empty()) field["content"].fail("is empty");
  token.special = field.bool_or("special", false);
  token.single_word = field.bool_or("single_word", false);
  token.lstrip = field.bool_or("lstrip", false);
  token.rstrip = field.bool_or("rstrip", false);
  token.normalized = field.bool_or("normalized", true);
  return token;
}

std::vector<Segment> AddedVocabulary::split(std::string_view text, const Normalizer& normalizer,
                                            bool special_as_text) const {
  const Matchers& matchers = special_as_text ? not_special_ : all_;
  std::vector<Segment> segments;
  for (Segment& raw : matchers.raw.split(text)) {
    if (raw.token_id) {
      segments.push_back(std::move(raw));
      continue;
    }
    for (Segment& segment : matchers.normalized.split(normalizer.apply(raw.text))) segments.push_back(std::move(segment));
  }
  return segments;
}

const AddedToken* AddedVocabulary::find(int32_t id) const {
  auto it = index_of_id_.find(id);
  return it == index_of_id_.end() ? nullptr : &tokens_[it->second];
}

std::optional<int32_t> AddedVocabulary::find(const std::string& content) const {
  auto it = index_of_content_.find(content);
  if (it == index_of_content_.end()) return std::nullopt;
  return tokens_[it->second].id;
}

}  // namespace lethe::tokenizer
