#include "unlearn/term_kind.h"

#include <map>

namespace lethe::unlearn {
namespace {

const std::set<std::string> kTitles = {"master", "professor", "lady", "lord", "sir", "madam", "mr", "mrs", "miss",
                                       "captain", "king", "queen", "duke", "prince", "princess"};
const std::set<std::string> kPersonVerbs = {
    "said", "asked", "replied", "muttered", "whispered", "shouted", "laughed", "smiled", "nodded", "sighed",
    "told", "went", "gave", "knew", "thought", "cried", "answered", "wrote", "walked", "ran", "looked",
    "spake", "begat", "took", "called", "lived", "died", "sent", "lifted", "rose", "saw", "heard", "blessed",
    "conceived", "bare", "wept", "kissed", "loved", "hearkened", "commanded", "returned", "came", "did"};
const std::set<std::string> kPlacePrepositions = {"in", "at", "from", "near", "toward", "towards", "into", "across",
                                                  "reached", "visited", "left", "over", "through"};
// "the land of X": the word before "of" names a place's kind.
const std::set<std::string> kPlaceHeads = {"land", "city", "plain", "wilderness", "vale", "valley", "king", "kings",
                                           "cave", "mount", "mountain", "border", "town", "country", "river"};
const std::set<std::string> kPersonRelations = {"son", "sons", "daughter", "daughters", "wife", "wives", "children",
                                                "brother", "father", "mother", "sister", "husband", "house"};
const std::set<std::string> kDeterminers = {"the", "a", "an", "his", "her", "their", "its", "my", "your", "our"};
const std::set<std::string> kPossessives = {"his", "her", "my", "thy", "the", "a", "their", "our", "your"};
const std::map<std::string, std::string> kKinGender = {
    {"wife", "female"}, {"daughter", "female"}, {"sister", "female"}, {"mother", "female"}, {"maid", "female"},
    {"handmaid", "female"}, {"damsel", "female"}, {"concubine", "female"}, {"nurse", "female"}, {"woman", "female"},
    {"aunt", "female"}, {"niece", "female"}, {"queen", "female"}, {"girl", "female"},
    {"son", "male"}, {"brother", "male"}, {"father", "male"}, {"husband", "male"}, {"man", "male"},
    {"uncle", "male"}, {"nephew", "male"}, {"king", "male"}, {"priest", "male"}, {"boy", "male"}};
// Pronouns that refer back to a subject ("her" and "him" are as often someone else, the object).
const std::map<std::string, std::string> kPronounGender = {
    {"he", "male"}, {"his", "male"}, {"himself", "male"}, {"she", "female"}, {"herself", "female"}};
const std::map<std::string, std::string> kTitleGender = {
    {"duke", "male"}, {"king", "male"}, {"prince", "male"}, {"lord", "male"}, {"sir", "male"}, {"mr", "male"},
    {"queen", "female"}, {"princess", "female"}, {"lady", "female"}, {"mrs", "female"}, {"miss", "female"}};
// A list's head: "the sons of Seir: Lotan, and Shobal, and Zibeon", "Terah begat Abram, Nahor".
const std::map<std::string, std::string> kListGender = {
    {"sons", "male"}, {"brethren", "male"}, {"begat", "male"}, {"daughters", "female"}};

bool ends_with(const std::string& s, const std::string& end) {
  return s.size() > end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

// Demonyms and tribes: Hittite(s), Philistines, Egyptian(s), Chaldees.
bool has_people_suffix(const std::string& term) {
  for (const char* end : {"ite", "ites", "ines", "ian", "ians", "ees"})
    if (ends_with(term, end)) return true;
  return false;
}

std::string kin_gender(const std::string& word) {
  auto it = kKinGender.find(word);
  return it == kKinGender.end() ? "" : it->second;
}

// The words around one occurrence, lower-cased; "" past a sentence's edge.
struct Surroundings {
  std::string before2, before, after, after2;
};

Surroundings surroundings(const std::vector<Word>& words, size_t i) {
  Surroundings s;
  if (i > 0 && !words[i].sentence_start) {
    s.before = lowercase(words[i - 1].text);
    if (i > 1 && !words[i - 1].sentence_start) s.before2 = lowercase(words[i - 2].text);
  }
  if (i + 1 < words.size() && !words[i + 1].sentence_start) {
    s.after = lowercase(words[i + 1].text);
    if (i + 2 < words.size() && !words[i + 2].sentence_start) s.after2 = lowercase(words[i + 2].text);
  }
  return s;
}

// The gender of the first personal pronoun after the occurrence in its sentence, unless another
// name comes first (the pronoun may then be that name's).
std::string pronoun_after(const std::vector<Word>& words, size_t i, const std::set<std::string>& rare) {
  for (size_t k = i + 1; k < words.size() && k < i + 16 && !words[k].sentence_start; ++k) {
    if (rare.count(words[k].text)) return "";
    auto it = kPronounGender.find(lowercase(words[k].text));
    if (it != kPronounGender.end()) return it->second;
  }
  return "";
}

// The gender of the list the occurrence is in, from its head word within the same or the previous
// sentence (a ';' or ':' ends one); none for the parent the list is of ("the sons of Leah").
std::string list_gender(const std::vector<Word>& words, size_t i) {
  int boundaries = 0;
  for (size_t k = i; k-- > 0 && k + 30 > i;) {
    if (words[k + 1].sentence_start && ++boundaries > 1) break;  // words[k] is two sentences back
    auto it = kListGender.find(lowercase(words[k].text));
    if (it != kListGender.end()) return it->second;
  }
  return "";
}

// The option with the most votes and its share of them; "" when none has any, or two tie.
std::string best_of(const std::map<std::string, double>& votes, double& share) {
  std::string best;
  double top = 0, total = 0;
  bool tie = false;
  for (const auto& [k, v] : votes) {
    total += v;
    if (v > top) top = v, best = k, tie = false;
    else if (v == top && v > 0) tie = true;
  }
  share = total > 0 ? top / total : 0.0;
  return tie ? "" : best;
}

}  // namespace

TermKind decide_term_kind(const std::string& term, const std::vector<Word>& words, const std::vector<size_t>& occurrences,
                          const std::set<std::string>& rare, bool titled_in_reference) {
  std::map<std::string, double> kind, gender;
  const bool people_suffix = has_people_suffix(term);
  for (size_t i : occurrences) {
    const Surroundings s = surroundings(words, i);
    const bool name_before = i > 0 && words[i].after_space && rare.count(words[i - 1].text);
    if (name_before) {  // the second word of a full name: the verbs after it tell about the person
      kind["family name"] += 1;
      continue;
    }
    if (i + 1 < words.size() && words[i + 1].after_space && rare.count(words[i + 1].text)) kind["first name"] += 1;
    if (kTitles.count(s.before) || kPersonVerbs.count(s.after)) kind["first name"] += 1;
    const bool apposition = kPossessives.count(s.after) && !kin_gender(s.after2).empty();
    if (apposition) kind["first name"] += 2;  // "Rachel his daughter", "Shelah my son", "Bela the son of Beor"
    if (s.after == "s") kind["first name"] += 1;  // "Ephraim's head"
    if (s.before == "of" && kPersonRelations.count(s.before2)) kind["first name"] += 2;  // "the sons of Heth"
    if (s.before == "unto" && (s.before2 == "said" || s.before2 == "spake")) kind["first name"] += 2;
    if (s.before == "of" && kPlaceHeads.count(s.before2)) kind["place"] += 2;  // "the land of Canaan"
    if (s.before == "mount" || s.before == "city" || s.before == "river") kind["place"] += 2;
    if (kPlacePrepositions.count(s.before)) kind["place"] += 1;
    if (s.before == "to") kind["place"] += 0.5;
    // "Ephron the Hittite", "an Egyptian", "the Philistines"; other words after an article are things.
    const bool after_name = i > 1 && s.before == "the" && rare.count(words[i - 2].text);
    if (kDeterminers.count(s.before)) {
      if (people_suffix || after_name) kind["people"] += 2;
      else kind["thing"] += 1;
    }
    // Gender, from kinship in apposition, begetting and bearing, and the pronouns that follow.
    if (apposition) gender[kin_gender(s.after2)] += 3;
    if (auto title = kTitleGender.find(s.before); title != kTitleGender.end()) gender[title->second] += 2;  // "duke Anah"
    if (!kin_gender(s.before).empty() && (kPossessives.count(s.before2) || s.before2 == "s"))
      gender[kin_gender(s.before)] += 3;  // "his wife Sarai", "Abram's wife Sarai"
    if (s.after == "conceived" || s.after == "bare") gender["female"] += 3;
    if (s.after == "begat") gender["male"] += 3;
    if (s.after == "s" && (s.after2 == "wife" || s.after2 == "wives")) gender["male"] += 3;
    if (s.after == "s" && s.after2 == "husband") gender["female"] += 3;
    const bool object = s.before == "unto" || s.before == "to" || s.before == "of";
    std::string pronoun = object ? "" : pronoun_after(words, i, rare);
    if (!pronoun.empty()) gender[pronoun] += 1;
    std::string list = s.before == "of" ? "" : list_gender(words, i);
    if (!list.empty()) gender[list] += 1;
  }
  TermKind out;
  std::string decided = best_of(kind, out.kind_share);
  out.kind = decided.empty() ? "first name" : decided;  // a rare capitalised word is most often a name
  if (decided.empty()) out.kind_share = 0.5;
  if (out.kind == "first name" && titled_in_reference) out.kind = "title";  // "Pharaoh said": the Pharaohs
  if (out.kind == "people") out.plural = ends_with(term, "s");
  out.male_votes = gender["male"];
  out.female_votes = gender["female"];
  settle_gender(out);
  return out;
}

void settle_gender(TermKind& k) {
  k.confidence = k.kind_share;
  if (k.kind != "first name") return;
  double gender_share = 0;
  k.gender = best_of({{"male", k.male_votes}, {"female", k.female_votes}}, gender_share);
  k.confidence *= k.gender.empty() ? 0.5 : gender_share;
}

}  // namespace lethe::unlearn
