#include "eval/rouge.h"

#include <algorithm>

#include "eval/text_match.h"

namespace lethe::eval {
namespace {

bool is_ascii_alphanumeric(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::vector<std::string> rouge_tokens(std::string_view text) {
  // Lower-casing first matters only for the few non-ASCII characters whose lower case is ASCII
  // (the Kelvin sign K becomes k), as Python's str.lower() before rouge_score's [^a-z0-9]+ split.
  std::string lowered = lowercase(text);
  std::vector<std::string> tokens;
  std::string token;
  for (char c : lowered) {
    if (is_ascii_alphanumeric(c)) {
      token += c;
    } else if (!token.empty()) {
      tokens.push_back(std::move(token));
      token.clear();
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  return tokens;
}

std::size_t longest_common_subsequence(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // lengths[j] = LCS of the first i words of a and the first j of b, one row of the table at a time.
  std::vector<std::size_t> lengths(b.size() + 1, 0);
  for (const std::string& word : a) {
    std::size_t diagonal = 0;  // the previous row's lengths[j - 1]
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = lengths[j];
      lengths[j] = word == b[j - 1] ? diagonal + 1 : std::max(above, lengths[j - 1]);
      diagonal = above;
    }
  }
  return lengths.back();
}

RougeScore rouge_l(std::string_view prediction, std::string_view reference) {
  std::vector<std::string> predicted = rouge_tokens(prediction);
  std::vector<std::string> expected = rouge_tokens(reference);
  if (predicted.empty() || expected.empty()) return {};
  auto lcs = static_cast<double>(longest_common_subsequence(predicted, expected));
  RougeScore score;
  score.precision = lcs / static_cast<double>(predicted.size());
  score.recall = lcs / static_cast<double>(expected.size());
  if (score.precision + score.recall > 0)
    score.f1 = 2 * score.precision * score.recall / (score.precision + score.recall);
  return score;
}

}  // namespace lethe::eval
