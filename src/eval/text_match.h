#pragma once
// Matching a model's text against reference text: SQuAD's answer normalisation and exact match,
// and whole-word search for the familiarity grades. Lower case is Unicode's full mapping, as
// Python's str.lower(); word characters are Unicode letters, marks, digits and connector
// punctuation, as Python's \w; so "Zoë" and "ZOË" match.
#include <string>
#include <string_view>
#include <vector>

namespace lethe::eval {

// Unicode lower case (ICU's root-locale full mapping, as Python's str.lower(): "İ" -> "i\u0307",
// a final capital sigma -> "ς"). Bytes that are not valid UTF-8 become U+FFFD.
std::string lowercase(std::string_view text);

// SQuAD v1.1's normalize_answer: lower case; delete ASCII punctuation (so "don't" -> "dont");
// replace the whole words a, an, the by spaces; collapse whitespace runs into single spaces and
// trim. "The Cat's  hat!" -> "cats hat".
std::string normalize_answer(std::string_view text);

// SQuAD exact match: the normalised texts are equal.
bool exact_match(std::string_view prediction, std::string_view reference);

// Lower-cased maximal runs of word characters: "Harry's wand!" -> {"harry", "s", "wand"}.
std::vector<std::string> words(std::string_view text);

// Whether `phrase` occurs in `text` as consecutive whole words (both from words()). An empty
// phrase occurs nowhere.
bool contains_phrase(const std::vector<std::string>& text, const std::vector<std::string>& phrase);

}  // namespace lethe::eval
