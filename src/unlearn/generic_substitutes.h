#pragma once
// Generic substitutes for anchored terms: everyday English of the term's kind, gender and number
// ("Rachel" -> "Emily", "Canaan" -> "the valley", "the Philistines" -> "strangers"), one consistent
// choice per term. Pools are large (a hundred first names of each gender), a term's first
// substitute is one no other term got (until a pool runs out), and no substitute is a word the
// forget text itself writes capitalised: in a book whose hero is David, "David" never stands in for
// his enemy.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace lethe::unlearn {

// What a term names. kind: "first name", "family name", "place", "people", "title", "thing";
// gender: "male", "female" or "" (unknown, or not a person); plural: a people named in the plural.
struct TermKind {
  std::string kind = "first name";
  std::string gender;
  bool plural = false;
  double confidence = 0.0;  // 0 to 1: the share of the evidence behind the decision
  // The evidence: the share of the kind's votes, and a first name's votes for each gender.
  double kind_share = 0.0;
  double male_votes = 0.0, female_votes = 0.0;
};

class SubstitutePicker {
 public:
  // names_in_text: the words the forget text writes capitalised; none becomes a substitute.
  explicit SubstitutePicker(std::set<std::string> names_in_text = {});

  // count substitutes for term, the same ones for the same term and history of earlier picks.
  std::vector<std::string> pick(const std::string& term, const TermKind& kind, int64_t count);

 private:
  bool allowed(const std::string& substitute) const;

  std::set<std::string> forbidden_;
  std::set<std::string> given_;  // first substitutes of earlier terms
};

}  // namespace lethe::unlearn
