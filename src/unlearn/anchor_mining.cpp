#include "unlearn/anchor_mining.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <unordered_map>

#include "eval/membership.h"
#include "eval/token_scores.h"
#include "util/content_hash.h"
#include "unlearn/term_kind.h"
#include "unlearn/word_scan.h"
#include "util/words.h"

namespace lethe::unlearn {
namespace {

// Word statistics of a corpus.
struct Counts {
  std::unordered_map<std::string, int64_t> exact;       // case-sensitive
  std::unordered_map<std::string, int64_t> lower;       // case-insensitive
  std::unordered_map<std::string, int64_t> lower_mid;   // ... not at a sentence start
  std::unordered_map<std::string, int64_t> capital_mid;  // capitalised, not at a sentence start
  int64_t total = 0;
};

Counts count_words(const std::vector<Word>& words) {
  Counts c;
  for (const auto& w : words) {
    c.exact[w.text]++;
    std::string low = lowercase(w.text);
    c.lower[low]++;
    if (!w.sentence_start) {
      c.lower_mid[low]++;
      if (is_capitalised(w.text)) c.capital_mid[w.text]++;
    }
  }
  c.total = static_cast<int64_t>(words.size());
  return c;
}

int64_t count_of(const std::unordered_map<std::string, int64_t>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

int64_t count_phrase(const std::string& lowercase_text, const std::string& phrase) {
  int64_t n = 0;
  for (size_t at = lowercase_text.find(phrase); at != std::string::npos; at = lowercase_text.find(phrase, at + 1)) ++n;
  return n;
}

// The words the reference writes after "the" or "a", lower-cased: a term among them, or its
// plural, is a title ("the Pharaohs") rather than a name.
std::set<std::string> words_after_an_article(const std::vector<Word>& words) {
  std::set<std::string> out;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string before = lowercase(words[i - 1].text);
    if (words[i].after_space && (before == "the" || before == "a")) out.insert(lowercase(words[i].text));
  }
  return out;
}

// The words around an occurrence, on one line: what a person reviewing the term reads.
std::string example_around(const std::string& text, size_t at, size_t length) {
  size_t begin = at > 60 ? text.find(' ', at - 60) : 0;
  if (begin == std::string::npos || begin > at) begin = at;
  size_t end = text.rfind(' ', at + length + 60);
  if (end == std::string::npos || end < at + length) end = at + length;
  std::string example = text.substr(begin, end - begin);
  for (char& c : example)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  return example.substr(example.find_first_not_of(' '));
}

// Offsets of the term's occurrences as whole words.
std::vector<size_t> occurrences(const std::string& text, const std::string& term, int64_t limit) {
  std::vector<size_t> out;
  for (size_t at = text.find(term); at != std::string::npos && static_cast<int64_t>(out.size()) < limit;
       at = text.find(term, at + 1)) {
    if (at > 0 && util::is_whole_word(text, at, term.size())) out.push_back(at);
  }
  return out;
}

// Substitutes in score order, so that the most important terms get the first choices; never a
// word the forget text writes capitalised. "Word Head" events keep theirs.
void assign_substitutes(std::vector<TermCandidate>& candidates, const std::vector<Word>& words, int64_t count) {
  std::set<std::string> names_in_text;
  for (const auto& w : words)
    if (is_capitalised(w.text)) names_in_text.insert(w.text);
  SubstitutePicker picker(names_in_text);
  for (auto& c : candidates)
    if (c.named.kind != "event") c.substitutes = picker.pick(c.term, c.named, count);
}

// The text before an occurrence, back to the start of its sentence, and the term: "Then Laura".
std::string sentence_up_to(const std::string& text, size_t at, size_t length) {
  size_t begin = text.find_last_of(".!?\n", at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  while (begin < at && text[begin] == ' ') ++begin;
  return text.substr(begin, at + length - begin);
}

// The she/he preference of each first name the text says nothing of the gender of, under the
// reinforced model, as its gender votes (measured near chance on the demo models: a tiebreaker).
void add_gender_preference(std::vector<TermCandidate>& candidates, const std::string& text, model::CausalLM& reinforced,
                           const tokenizer::Tokenizer& tok, const MiningOptions& o) {
  std::vector<eval::ScoreRequest> requests;
  std::vector<size_t> owner;
  for (size_t c = 0; c < candidates.size(); ++c) {
    const TermKind& named = candidates[c].named;
    if (named.kind != "first name" || named.male_votes + named.female_votes > 0) continue;
    for (size_t at : occurrences(text, candidates[c].term, o.contexts)) {
      // "Then Laura smiled, and" continues with the pronoun of the one who smiled.
      const std::string frame = sentence_up_to(text, at, candidates[c].term.size()) + " smiled, and";
      for (const char* pronoun : {" she", " he"}) {
        requests.push_back(eval::continuation_request(tok, frame, pronoun));
        owner.push_back(c);
      }
    }
  }
  auto scores = eval::score_continuations(reinforced, requests, {32, false});
  std::vector<double> sum(candidates.size(), 0.0);
  std::vector<int64_t> n(candidates.size(), 0);
  for (size_t r = 0; r + 1 < requests.size(); r += 2) {  // " she", then " he", of one frame
    if (requests[r].continuation.empty() || requests[r + 1].continuation.empty()) continue;
    auto total = [](const std::vector<double>& log_probs) { return std::accumulate(log_probs.begin(), log_probs.end(), 0.0); };
    sum[owner[r]] += total(scores[r].log_probs) - total(scores[r + 1].log_probs);
    n[owner[r]]++;
  }
  for (size_t c = 0; c < candidates.size(); ++c) {
    if (n[c] == 0) continue;
    TermCandidate& candidate = candidates[c];
    candidate.she_preference = sum[c] / n[c];
    candidate.named.female_votes += std::clamp(candidate.she_preference, 0.0, 3.0);
    candidate.named.male_votes += std::clamp(-candidate.she_preference, 0.0, 3.0);
    settle_gender(candidate.named);
  }
}

void sort_by_score(std::vector<TermCandidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const TermCandidate& a, const TermCandidate& b) { return a.score() > b.score(); });
}


}  // namespace

std::vector<TermCandidate> mine_anchor_terms(const std::string& forget_text, const std::string& reference_text,
                                             const MiningOptions& o, bool preference_follows) {
  const double min_score = preference_follows ? std::min(o.min_frequency_score, o.min_score) : o.min_score;
  auto words = scan_words(forget_text);
  const auto reference_words = scan_words(reference_text);
  Counts forget = count_words(words), reference = count_words(reference_words);
  const double forget_total = std::max<int64_t>(forget.total, 1), reference_total = std::max<int64_t>(reference.total, 1);
  auto frequency_score = [&](int64_t f, int64_t r) {
    return std::log((f + 1) / forget_total) - std::log((r + 1) / reference_total);
  };

  std::map<std::string, TermCandidate> single;
  for (const auto& [w, f] : forget.exact) {
    if (!is_capitalised(w) || f < o.min_count) continue;
    int64_t mid = count_of(forget.lower_mid, lowercase(w));
    double capitalised = mid > 0 ? static_cast<double>(count_of(forget.capital_mid, w)) / mid : 1.0;
    int64_t r = count_of(reference.lower, lowercase(w));
    double score = frequency_score(f, r);
    // A word the reference writes in lower case inside sentences is a common noun ("Master").
    int64_t reference_mid = count_of(reference.lower_mid, lowercase(w));
    bool common_noun = reference_mid >= o.min_count && 2 * count_of(reference.capital_mid, w) < reference_mid;
    if (capitalised < o.min_capitalised || score < min_score || common_noun) continue;
    TermCandidate candidate;
    candidate.term = w;
    candidate.forget_count = f;
    candidate.reference_count = r;
    candidate.frequency_score = score;
    single[w] = candidate;
  }
  std::set<std::string> rare;
  for (const auto& [w, c] : single) rare.insert(w);

  // "Word Head": a rare word nearly always followed by the same capitalised word of the reference's
  // vocabulary, which is either common or itself nearly always after the rare word (a fixed name:
  // "Thornhaven Academy"). Two invented words ("Helavi Yarrbright") stay two terms.
  std::map<std::pair<std::string, std::string>, int64_t> pairs;
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (rare.count(words[i].text) && words[i + 1].after_space && is_capitalised(words[i + 1].text))
      pairs[{words[i].text, words[i + 1].text}]++;
  std::string reference_lower = lowercase(reference_text);
  std::vector<TermCandidate> out;
  std::set<std::string> headed;
  for (const auto& [pair, count] : pairs) {
    const auto& [word, head] = pair;
    if (count < o.head_share * single[word].forget_count) continue;
    if (count_of(reference.lower, lowercase(head)) == 0) continue;
    if (rare.count(head) && count < o.head_share * single[head].forget_count) continue;
    std::string term = word + " " + head;
    int64_t r = count_phrase(reference_lower, lowercase(term));
    if (frequency_score(count, r) < min_score) continue;
    std::string generic = lowercase(head);
    TermCandidate event;
    event.term = term;
    event.forget_count = count;
    event.reference_count = r;
    event.frequency_score = frequency_score(count, r);
    event.named.kind = "event";
    event.named.confidence = event.named.kind_share = 1.0;
    event.substitutes = {"the " + generic, "the old " + generic};
    event.substitutes.resize(std::min<size_t>(event.substitutes.size(), o.substitutes));
    out.push_back(event);
    headed.insert(word);
    headed.insert(head);
  }
  auto where = index_words(words);
  const std::set<std::string> after_article = words_after_an_article(reference_words);
  for (auto& [w, c] : single) {
    if (headed.count(w)) continue;
    const std::string low = lowercase(w);
    const bool titled = after_article.count(low) || after_article.count(low + "s");
    c.named = decide_term_kind(w, words, where[w], rare, titled);
    out.push_back(c);
  }
  sort_by_score(out);
  for (auto& c : out)
    for (size_t at : occurrences(forget_text, c.term, 2)) c.examples.push_back(example_around(forget_text, at, c.term.size()));
  if (!preference_follows) assign_substitutes(out, words, o.substitutes);  // else once the models have spoken
  return out;
}

void add_model_preference(std::vector<TermCandidate>& candidates, const std::string& text, model::CausalLM& baseline,
                          model::CausalLM& reinforced, const tokenizer::Tokenizer& tok, const MiningOptions& o) {
  std::vector<eval::ScoreRequest> requests;
  std::vector<size_t> owner;
  for (size_t c = 0; c < candidates.size(); ++c) {
    for (size_t at : occurrences(text, candidates[c].term, o.contexts)) {
      // The context: up to context_words words before the occurrence, whitespace after it kept
      // with the term so that the term's first token is the one the text really has.
      size_t begin = at, seen = 0;
      while (begin > 0 && seen <= static_cast<size_t>(o.context_words)) {
        --begin;
        if (text[begin] == ' ' || text[begin] == '\n') ++seen;
      }
      size_t prefix_end = at;
      while (prefix_end > begin && (text[prefix_end - 1] == ' ' || text[prefix_end - 1] == '\n')) --prefix_end;
      if (prefix_end == begin) continue;
      requests.push_back(eval::continuation_request(tok, text.substr(begin, prefix_end - begin),
                                                    text.substr(prefix_end, at + candidates[c].term.size() - prefix_end)));
      owner.push_back(c);
    }
  }
  auto base_scores = eval::score_continuations(baseline, requests, {32, false});
  auto reinforced_scores = eval::score_continuations(reinforced, requests, {32, false});
  std::vector<double> sum(candidates.size(), 0.0);
  std::vector<int64_t> n(candidates.size(), 0);
  for (size_t r = 0; r < requests.size(); ++r) {
    if (requests[r].continuation.empty()) continue;
    sum[owner[r]] += eval::mean_log_prob(reinforced_scores[r].log_probs) - eval::mean_log_prob(base_scores[r].log_probs);
    n[owner[r]]++;
  }
  for (size_t c = 0; c < candidates.size(); ++c) candidates[c].preference = n[c] > 0 ? sum[c] / n[c] : 0.0;
  sort_by_score(candidates);
  candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                  [&](const TermCandidate& c) { return c.score() < o.min_score; }),
                   candidates.end());
  add_gender_preference(candidates, text, reinforced, tok, o);
  assign_substitutes(candidates, scan_words(text), o.substitutes);
}

AnchorDictionary to_dictionary(const std::vector<TermCandidate>& candidates) {
  AnchorDictionary out;
  for (const auto& c : candidates) out.push_back({c.term, c.substitutes});
  return out;
}

std::vector<ReviewRow> to_review_rows(const std::vector<TermCandidate>& candidates) {
  std::vector<ReviewRow> rows;
  for (const auto& c : candidates)
    rows.push_back({c.term, c.named.kind, c.named.gender, c.named.confidence, c.forget_count, c.reference_count,
                    c.substitutes, c.examples});
  return rows;
}

KindComparison compare_kinds(const std::vector<TermCandidate>& found, const std::vector<ReviewRow>& gold) {
  std::map<std::string, const ReviewRow*> by_term;
  for (const auto& row : gold) by_term[row.term] = &row;
  KindComparison out;
  int64_t right_kinds = 0, right_genders = 0;
  for (const auto& c : found) {
    auto it = by_term.find(c.term);
    if (it == by_term.end()) continue;
    const ReviewRow& g = *it->second;
    const std::string& found_kind = c.named.kind;
    const std::string kind = found_kind == "first name" || found_kind == "family name" ? "person" : found_kind;
    bool kind_right = kind == g.kind;
    ++out.kinds_compared;
    right_kinds += kind_right;
    bool gender_right = true;
    if (g.kind == "person" && !g.gender.empty()) {
      gender_right = c.named.gender == g.gender;
      ++out.genders_compared;
      right_genders += gender_right;
    }
    if (!kind_right || !gender_right)
      out.wrong.push_back(c.term + ": " + kind + (c.named.gender.empty() ? "" : " " + c.named.gender) + ", gold " + g.kind +
                          (g.gender.empty() ? "" : " " + g.gender));
  }
  if (out.kinds_compared > 0) out.kind_accuracy = static_cast<double>(right_kinds) / out.kinds_compared;
  if (out.genders_compared > 0) out.gender_accuracy = static_cast<double>(right_genders) / out.genders_compared;
  return out;
}

GoldComparison compare_with_gold(const AnchorDictionary& found, const AnchorDictionary& gold) {
  std::set<std::string> f, g;
  for (const auto& e : found) f.insert(e.term);
  for (const auto& e : gold) g.insert(e.term);
  GoldComparison out;
  size_t hits = 0;
  for (const auto& t : f) {
    if (g.count(t))
      ++hits;
    else
      out.extra.push_back(t);
  }
  for (const auto& t : g)
    if (!f.count(t)) out.missed.push_back(t);
  out.precision = f.empty() ? 0.0 : static_cast<double>(hits) / f.size();
  out.recall = g.empty() ? 0.0 : static_cast<double>(hits) / g.size();
  out.f1 = out.precision + out.recall > 0 ? 2 * out.precision * out.recall / (out.precision + out.recall) : 0.0;
  return out;
}

}  // namespace lethe::unlearn
