#pragma once
// What a candidate term names, from the evidence around its occurrences in the forget text: the
// words before and after it (prepositions of place, "the land of", kinship in apposition, verbs of
// speech and begetting, a demonym after a name), the pronouns that follow it in its clause, and
// the reference corpus (a word it writes after an article, "the Pharaohs", is a title).
#include <set>
#include <string>
#include <vector>

#include "unlearn/generic_substitutes.h"
#include "unlearn/word_scan.h"

namespace lethe::unlearn {

// term: a single word. rare: the other candidate terms (a rare word before or after marks a full
// name). titled_in_reference: the reference writes the term after "the" or "a".
TermKind decide_term_kind(const std::string& term, const std::vector<Word>& words, const std::set<std::string>& rare,
                          bool titled_in_reference);

}  // namespace lethe::unlearn
