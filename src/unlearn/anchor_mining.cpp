#include "unlearn/anchor_mining.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "eval/membership.h"
#include "eval/token_scores.h"
#include "util/content_hash.h"
#include "util/words.h"

namespace lethe::unlearn {
namespace {

struct Word {
  std::string text;
  size_t offset = 0;
  bool sentence_start = false;  // first word of the text, or after . ! ? : ; a quote or a line break
  bool after_space = false;     // one space, and nothing else, since the previous word
};

bool is_capitalised(const std::string& w) { return !w.empty() && std::isupper(static_cast<unsigned char>(w[0])); }

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<Word> scan_words(const std::string& text) {
  std::vector<Word> words;
  size_t i = 0;
  bool sentence_start = true;
  size_t previous_end = std::string::npos;
  while (i < text.size()) {
    if (!util::is_word_byte(text[i])) {
      if (std::string_view(".!?:;\"\n").find(text[i]) != std::string_view::npos) sentence_start = true;
      ++i;
      continue;
    }
    size_t begin = i;
    while (i < text.size() && util::is_word_byte(text[i])) ++i;
    bool after_space = previous_end != std::string::npos && begin == previous_end + 1 && text[previous_end] == ' ';
    words.push_back({text.substr(begin, i - begin), begin, sentence_start, after_space});
    sentence_start = false;
    previous_end = i;
  }
  return words;
}

const std::vector<std::string> kFirstNames = {"Anna", "Ben",  "Clara", "David", "Emma", "Frank", "Grace", "Henry",
                                              "Alice", "Jack", "Kate", "Leo",  "Mary", "Nick",  "Olivia", "Peter",
                                              "Rose", "Sam",  "Tom",  "Lucy", "Paul", "Jane",  "Mark",  "Ellen"};
const std::vector<std::string> kFamilyNames = {"Smith", "Brown", "Taylor", "Wilson", "Clark",  "Miller", "Baker", "Carter",
                                               "Turner", "Walker", "Wright", "Cooper", "Hill", "Green",  "Hall",  "Wood",
                                               "King", "Ward",  "Parker", "Evans",  "Hughes", "Moore", "Cole",  "Reed"};
const std::vector<std::string> kPlaces = {"the town",  "the village", "the city",   "the valley", "the harbour", "the hills",
                                          "the castle", "the market", "the farm",   "the old fort", "the coast",  "the forest",
                                          "the capital", "the island", "the bridge", "the mill"};
const std::vector<std::string> kThings = {"stone", "book", "lamp", "charm", "cup",  "rope",  "coin",   "box",  "key",  "bell",
                                          "drink", "tool", "map",  "ring",  "coat", "stick", "flower", "bird", "horse", "cake"};

const std::set<std::string> kTitles = {"master", "professor", "lady", "lord", "sir", "madam", "mr", "mrs", "miss", "captain"};
const std::set<std::string> kPersonVerbs = {"said", "asked", "replied", "muttered", "whispered", "shouted", "laughed",
                                            "smiled", "nodded", "sighed", "told", "went", "gave", "knew", "thought",
                                            "cried", "answered", "wrote", "walked", "ran", "looked"};
const std::set<std::string> kPlacePrepositions = {"in", "at", "from", "near", "toward", "towards", "into", "across",
                                                  "reached", "visited", "left"};
const std::set<std::string> kDeterminers = {"the", "a", "an", "his", "her", "their", "its", "my", "your", "our"};

std::vector<std::string> pick(const std::vector<std::string>& pool, const std::string& term, int64_t count) {
  size_t start = std::stoull(util::hash_bytes(term), nullptr, 16) % pool.size();
  std::vector<std::string> out;
  for (int64_t k = 0; k < count && k < static_cast<int64_t>(pool.size()); ++k) out.push_back(pool[(start + k) % pool.size()]);
  return out;
}

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

// The kind of a single-word term, by votes over the words around its occurrences.
std::string guess_kind(const std::string& term, const std::vector<Word>& words, const std::set<std::string>& rare) {
  std::map<std::string, int> votes;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].text != term) continue;
    const Word* before = i > 0 ? &words[i - 1] : nullptr;
    const Word* after = i + 1 < words.size() ? &words[i + 1] : nullptr;
    std::string prev = before ? lowercase(before->text) : "";
    std::string next = after ? lowercase(after->text) : "";
    bool ends_a_full_name = before && words[i].after_space && rare.count(before->text);
    if (ends_a_full_name) {
      votes["family name"]++;
      continue;  // the verb after a full name tells about the person, not about this word
    }
    if (after && after->after_space && rare.count(after->text)) votes["first name"]++;
    if (kTitles.count(prev) || kPersonVerbs.count(next)) votes["first name"]++;
    if (kPlacePrepositions.count(prev)) votes["place"]++;
    if (kDeterminers.count(prev)) votes["thing"]++;
  }
  std::string kind = "first name";  // a rare capitalised word is most often a name
  int best = 0;
  for (const auto& [k, v] : votes)
    if (v > best) best = v, kind = k;
  return kind;
}

std::vector<std::string> substitutes_for(const std::string& term, const std::string& kind, int64_t count) {
  if (kind == "family name") return pick(kFamilyNames, term, count);
  if (kind == "place") return pick(kPlaces, term, count);
  if (kind == "thing") return pick(kThings, term, count);
  return pick(kFirstNames, term, count);
}

void sort_by_score(std::vector<TermCandidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const TermCandidate& a, const TermCandidate& b) { return a.score() > b.score(); });
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

}  // namespace

std::vector<TermCandidate> mine_anchor_terms(const std::string& forget_text, const std::string& reference_text,
                                             const MiningOptions& o) {
  auto words = scan_words(forget_text);
  Counts forget = count_words(words), reference = count_words(scan_words(reference_text));
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
    if (capitalised < o.min_capitalised || score < o.min_score || common_noun) continue;
    single[w] = {w, f, r, score, 0.0, "", {}};
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
    if (frequency_score(count, r) < o.min_score) continue;
    std::string generic = lowercase(head);
    out.push_back({term, count, r, frequency_score(count, r), 0.0, "event",
                   {"the " + generic, "the old " + generic}});
    out.back().substitutes.resize(std::min<size_t>(out.back().substitutes.size(), o.substitutes));
    headed.insert(word);
    headed.insert(head);
  }
  for (auto& [w, c] : single) {
    if (headed.count(w)) continue;
    c.kind = guess_kind(w, words, rare);
    c.substitutes = substitutes_for(w, c.kind, o.substitutes);
    out.push_back(c);
  }
  sort_by_score(out);
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
}

AnchorDictionary to_dictionary(const std::vector<TermCandidate>& candidates) {
  AnchorDictionary out;
  for (const auto& c : candidates) out.push_back({c.term, c.substitutes});
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
