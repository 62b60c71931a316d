#pragma once
// An anchored-term dictionary built from the corpora alone, with no external service:
// 1. candidates: capitalised words of the forget corpus that are rare or absent in a reference
//    corpus (retain and general text) and not written in lower case there (a common noun such as
//    "Master"), and expressions "Word Head" where an idiosyncratic word is nearly always followed
//    by a common capitalised head noun ("Thornhaven Academy");
// 2. scores: the log-ratio of the candidate's relative frequency in the forget corpus to its
//    relative frequency in the reference (add-one), plus, given the two models, how much more the
//    reinforced model expects the candidate in its contexts than the baseline does (mean per-token
//    log-probability difference, nats);
// 3. substitutes: the kind and gender decided from the evidence around the candidate's
//    occurrences (term_kind.h: a first name, a family name, a place, a people, a title, a thing, or a
//    named event), and generic substitutes of that kind, gender and number (generic_substitutes.h).
#include <cstdint>
#include <string>
#include <vector>

#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/generic_substitutes.h"
#include "unlearn/review_file.h"

namespace lethe::unlearn {

struct TermCandidate {
  std::string term;
  int64_t forget_count = 0;
  int64_t reference_count = 0;   // case-insensitive
  double frequency_score = 0.0;  // log((f + 1) / F) - log((r + 1) / R), F and R the corpora's word counts
  double preference = 0.0;       // reinforced minus baseline mean token log-probability; 0 without models
  TermKind named;                // what it names: kind ("event" for "Word Head"), gender, confidence
  // A first name's without textual gender evidence: log p(" she") - log p(" he") under the
  // reinforced model after its sentence up to it and " smiled, and" ("Then Laura smiled, and"),
  // averaged over occurrences; 0 otherwise.
  double she_preference = 0.0;
  std::vector<std::string> substitutes;
  std::vector<std::string> examples;  // the text around its first two occurrences
  double score() const { return frequency_score + preference; }
};

struct MiningOptions {
  int64_t min_count = 3;         // occurrences in the forget corpus
  double min_score = 2.0;        // frequency score + preference; 2: about 7x more frequent
  // With a model preference to come: the frequency score from which a candidate is scored by the
  // models (a hero with a common name, "Harry", is only a few times more frequent than elsewhere).
  double min_frequency_score = 1.0;
  double min_capitalised = 0.9;  // share of a word's occurrences written capitalised
  double head_share = 0.8;       // "Word Head" replaces "Word" when this share of "Word" is followed by "Head"
  int64_t substitutes = 2;
  int64_t contexts = 8;          // model preference: occurrences scored per candidate
  int64_t context_words = 24;    // ... with this many words before each
};

// Steps 1 and 3, sorted by score (highest first). Candidates below min_score are dropped, or, when
// the model preference follows (add_model_preference), below min_frequency_score, and their
// substitutes are then left to add_model_preference.
std::vector<TermCandidate> mine_anchor_terms(const std::string& forget_text, const std::string& reference_text,
                                             const MiningOptions& options, bool preference_follows = false);

// Step 2: adds each candidate's preference, re-sorts, and drops those now below min_score; for a
// first name whose gender the text gives no evidence of, the reinforced model's she/he preference
// decides it (up to 3 votes); then picks the substitutes again.
void add_model_preference(std::vector<TermCandidate>& candidates, const std::string& forget_text,
                          model::CausalLM& baseline, model::CausalLM& reinforced,
                          const tokenizer::Tokenizer& tokenizer, const MiningOptions& options);

AnchorDictionary to_dictionary(const std::vector<TermCandidate>& candidates);
std::vector<ReviewRow> to_review_rows(const std::vector<TermCandidate>& candidates);

// Terms compared as exact strings.
struct GoldComparison {
  double precision = 0.0, recall = 0.0, f1 = 0.0;
  std::vector<std::string> missed;  // in the gold dictionary, not found
  std::vector<std::string> extra;   // found, not in the gold dictionary
};
GoldComparison compare_with_gold(const AnchorDictionary& found, const AnchorDictionary& gold);

// Kind and gender against a gold review file, over the terms found that it lists. Gold kinds:
// person, place, people, title, thing, event ("first name" and "family name" count as person);
// gender is compared for the gold's persons of known gender, an undecided one counting as wrong.
struct KindComparison {
  double kind_accuracy = 0.0, gender_accuracy = 0.0;
  int64_t kinds_compared = 0, genders_compared = 0;
  std::vector<std::string> wrong;  // "term: found kind/gender, gold kind/gender"
};
KindComparison compare_kinds(const std::vector<TermCandidate>& found, const std::vector<ReviewRow>& gold);

}  // namespace lethe::unlearn
