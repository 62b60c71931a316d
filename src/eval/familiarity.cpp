#include "eval/familiarity.h"

#include "eval/text_match.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

// The first term that occurs in the completion and not in the prompt, or nullptr.
const std::string* first_new_term(const std::vector<std::string>& prompt_words,
                                  const std::vector<std::string>& completion_words,
                                  const std::vector<std::string>& terms) {
  for (const std::string& term : terms) {
    std::vector<std::string> term_words = words(term);
    if (contains_phrase(completion_words, term_words) && !contains_phrase(prompt_words, term_words)) return &term;
  }
  return nullptr;
}

}  // namespace

FamiliarityGrade familiarity_grade(std::string_view prompt, std::string_view completion,
                                   const std::vector<std::string>& explicit_terms,
                                   const std::vector<std::string>& thematic_terms) {
  std::vector<std::string> prompt_words = words(prompt);
  std::vector<std::string> completion_words = words(completion);
  if (const std::string* term = first_new_term(prompt_words, completion_words, explicit_terms)) return {3, *term};
  if (const std::string* term = first_new_term(prompt_words, completion_words, thematic_terms)) return {2, *term};
  return {};
}

double familiarity_score(const std::vector<FamiliarityGrade>& grades) {
  if (grades.empty()) throw Error("familiarity score: no graded completions");
  double points = 0;
  for (const FamiliarityGrade& g : grades) points += g.grade == 3 ? 5 : g.grade == 2 ? 1 : 0;
  return points / static_cast<double>(grades.size());
}

}  // namespace lethe::eval
