#pragma once
// ROUGE-L over words, as Google's rouge_score package computes it with no stemming
// (rouge_scorer.RougeScorer(["rougeL"]).score(reference, prediction)).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::eval {

struct RougeScore {
  double precision = 0.0;  // LCS / prediction words
  double recall = 0.0;     // LCS / reference words
  double f1 = 0.0;         // 2PR / (P + R), 0 when P + R = 0
};

// rouge_score's tokenizer: lower case, then the maximal runs of ASCII letters and digits (every
// other character separates): "Zoë's 2nd-year" -> {"zo", "s", "2nd", "year"}.
std::vector<std::string> rouge_tokens(std::string_view text);

std::size_t longest_common_subsequence(const std::vector<std::string>& a, const std::vector<std::string>& b);

// All zero when either text has no tokens, as rouge_score.
RougeScore rouge_l(std::string_view prediction, std::string_view reference);

}  // namespace lethe::eval
