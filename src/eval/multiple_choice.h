#pragma once
// Multiple-choice accuracy by log-likelihood, as lm-evaluation-harness's `acc`, `acc_norm` and
// `acc_bytes`: each choice is scored by the summed log-likelihood of its tokens after the context;
// `acc` picks the highest, `acc_norm` the highest log-likelihood per character of the choice as
// written, without the space put between context and choice (len() of the Python string:
// characters, not tokens, so a tokenizer does not change it), `acc_bytes` the highest per UTF-8
// byte of that text. Ties go to the first choice, as numpy's argmax.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::eval {

struct ChoiceScores {
  std::vector<double> log_likelihoods;  // one per choice, summed over the choice's tokens
  std::vector<double> lengths;          // one per choice, > 0: choice_length() of its text
  std::vector<double> byte_lengths;     // one per choice, > 0: its text's UTF-8 bytes
  std::size_t gold = 0;                 // index of the correct choice
};

struct MultipleChoiceAccuracy {
  double acc = 0.0;
  double acc_norm = 0.0;
  double acc_bytes = 0.0;
};

// The number of characters (Unicode code points) of UTF-8 text, as Python's len(str).
std::size_t choice_length(std::string_view choice);

// An item's scores: one summed log-likelihood per choice, and the lengths acc_norm and acc_bytes
// divide by, those of the choices as written ("4" is one character, even though " 4" was scored).
ChoiceScores choice_scores(const std::vector<std::string>& choices, std::vector<double> log_likelihoods,
                           std::size_t gold);

std::size_t predicted_choice(const std::vector<double>& log_likelihoods);
std::size_t predicted_choice_normalised(const std::vector<double>& log_likelihoods, const std::vector<double>& lengths);

// Fractions of items answered correctly. Throws lethe::Error on no items, or an item with no
// choices, mismatched sizes, a length or byte length <= 0 or a gold index out of range.
MultipleChoiceAccuracy multiple_choice_accuracy(const std::vector<ChoiceScores>& items);

}  // namespace lethe::eval
