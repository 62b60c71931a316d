#pragma once
// What a candidate term names, from the evidence around its occurrences in the forget text: the
// words before and after it (prepositions of place, "the land of", kinship in apposition, verbs of
// speech and begetting, a demonym after a name), the pronouns that follow it in its clause, and
// the reference corpus (a word it writes after an article, "the Pharaohs", is a title). Given the
// models, anchor_mining adds the reinforced model's vote on a first name's gender.
#include <set>
#include <string>
#include <vector>

#include "unlearn/generic_substitutes.h"
#include "unlearn/word_scan.h"

namespace lethe::unlearn {

// term: a single word; occurrences: its indices in words (index_words). rare: the other candidate
// terms (a rare word before or after marks a full name). titled_in_reference: the reference
// writes the term after "the" or "a".
TermKind decide_term_kind(const std::string& term, const std::vector<Word>& words, const std::vector<size_t>& occurrences,
                          const std::set<std::string>& rare, bool titled_in_reference);

// A first name's gender and the confidence, from kind_share and the gender votes (again, after a
// model adds its own); nothing for other kinds.
void settle_gender(TermKind& kind);

}  // namespace lethe::unlearn
