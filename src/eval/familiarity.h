#pragma once
// Completion familiarity (Eldan and Russinovich 2023): does a completion of a prompt about the
// target name the target's terms? A term counts when it occurs in the completion and not in the
// prompt, as whole words, case-insensitively (words() and contains_phrase() of text_match.h):
// "Harry" counts in "Harry's wand" but not in "Harrow".
#include <string>
#include <string_view>
#include <vector>

namespace lethe::eval {

struct FamiliarityGrade {
  int grade = 0;             // 3: an explicit term; 2: only a thematic term; 0: neither
  std::string matched_term;  // the first explicit (else thematic) term that counted, or empty
};

FamiliarityGrade familiarity_grade(std::string_view prompt, std::string_view completion,
                                   const std::vector<std::string>& explicit_terms,
                                   const std::vector<std::string>& thematic_terms);

// The paper's score (5 * #grade-3 + #grade-2) / N over N graded completions; throws lethe::Error
// when N = 0.
double familiarity_score(const std::vector<FamiliarityGrade>& grades);

}  // namespace lethe::eval
