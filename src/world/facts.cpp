#include "world/facts.h"

#include <string>

#include "util/error.h"

namespace lethe::world {
namespace {

std::string word_for(Gender g, const char* male, const char* female) { return g == Gender::male ? male : female; }

void add_person_slots(Slots& slots, const Character& c) {
  slots["s"] = c.full_name();
  slots["sg"] = c.given;
  slots["he"] = word_for(c.gender, "he", "she");
  slots["his"] = word_for(c.gender, "his", "her");
  slots["him"] = word_for(c.gender, "him", "her");
}

std::vector<std::string> names_of_terms(const World& w, const std::string& category) {
  std::vector<std::string> out;
  for (int t : w.terms_of(category)) out.push_back(w.terms[t].name);
  return out;
}

const std::string& category_noun(const Genre& g, const std::string& id) {
  for (const auto& c : g.term_categories)
    if (c.id == id) return c.noun;
  throw Error("world generator: the genre has no term category " + id);
}

// The answer pools: every answer of one type, from which perturbed answers are drawn.
struct AnswerPools {
  std::vector<std::string> people, places, regions, pets, artifacts, factions, foods, skills, years;
  explicit AnswerPools(const World& w) {
    for (const auto& c : w.characters) {
      people.push_back(c.full_name());
      pets.push_back(c.pet);
      artifacts.push_back(c.artifact);
    }
    for (const auto& p : w.places) (p.is_region ? regions : places).push_back(p.name);
    for (const auto& f : w.factions) factions.push_back(f.name);
    for (const auto& e : w.events) years.push_back(std::to_string(e.year));
    foods = names_of_terms(w, "food");
    skills = names_of_terms(w, "skill");
  }
};

class FactWriter {
 public:
  FactWriter(const World& w, std::vector<Fact>& facts) : w_(w), facts_(facts), base_(genre_slots(w)) {}

  Fact& add(const std::string& relation, const std::string& subject, const std::string& answer,
            const std::vector<std::string>* pool, std::vector<int> cast) {
    Fact f;
    f.relation = relation;
    f.subject = subject;
    f.answer = answer;
    f.slots = base_;
    f.slots["s"] = subject;
    f.slots["sg"] = subject;
    f.slots["o"] = answer;
    if (pool) f.same_type_answers = *pool;
    f.cast = std::move(cast);
    facts_.push_back(std::move(f));
    return facts_.back();
  }

  Fact& add_about(const Character& c, int index, const std::string& relation, const std::string& answer,
                  const std::vector<std::string>* pool, std::vector<int> cast = {}) {
    cast.insert(cast.begin(), index);
    Fact& f = add(relation, c.full_name(), answer, pool, std::move(cast));
    add_person_slots(f.slots, c);
    f.slots["virtue"] = w_.factions[c.faction].virtue;
    return f;
  }

 private:
  const World& w_;
  std::vector<Fact>& facts_;
  Slots base_;
};

void character_facts(const World& w, const AnswerPools& pool, FactWriter& out) {
  for (size_t i = 0; i < w.characters.size(); ++i) {
    const auto& c = w.characters[i];
    int ci = static_cast<int>(i);
    const auto& chars = w.characters;
    out.add_about(c, ci, "faction", w.factions[c.faction].name, &pool.factions);
    if (c.mentor >= 0) out.add_about(c, ci, "mentor", chars[c.mentor].full_name(), &pool.people, {c.mentor});
    out.add_about(c, ci, "rival", chars[c.rival].full_name(), &pool.people, {c.rival});
    out.add_about(c, ci, "friend", chars[c.friend_].full_name(), &pool.people, {c.friend_});
    if (c.sibling >= 0) {
      const auto& s = chars[c.sibling];
      Fact& f = out.add_about(c, ci, "sibling", s.full_name(), &pool.people, {c.sibling});
      f.slots["kin"] = word_for(s.gender, "brother", "sister");
      f.slots["kin_plural"] = s.gender == c.gender ? word_for(s.gender, "brothers", "sisters") : "siblings";
    }
    if (c.parent >= 0) {
      const auto& p = chars[c.parent];
      Fact& f = out.add_about(c, ci, "parent", p.full_name(), &pool.people, {c.parent});
      f.slots["kin"] = word_for(p.gender, "father", "mother");
    }
    out.add_about(c, ci, "pet", c.pet, &pool.pets).slots["species"] = w.terms[c.pet_species].name;
    out.add_about(c, ci, "artifact", c.artifact, &pool.artifacts).slots["kind"] = c.artifact_kind;
    out.add_about(c, ci, "hometown", w.places[c.hometown].name, &pool.places).slots["place_kind"] =
        w.places[c.hometown].kind;
    out.add_about(c, ci, "food", w.terms[c.food].name, &pool.foods);
    out.add_about(c, ci, "skill", w.terms[c.skill].name, &pool.skills);
  }
}

void place_facts(const World& w, const AnswerPools& pool, FactWriter& out) {
  for (const auto& p : w.places) {
    if (p.is_region) continue;
    const auto& region = w.places[p.region];
    Fact& r = out.add("region", p.name, region.name, &pool.regions, {});
    r.slots["place_kind"] = p.kind;
    r.slots["region_kind"] = region.kind;
    out.add("founder", p.name, w.characters[p.founder].full_name(), &pool.people, {p.founder})
        .slots["place_kind"] = p.kind;
  }
}

void term_facts(const World& w, const AnswerPools& pool, FactWriter& out) {
  for (const auto& t : w.terms) {
    out.add("description", t.name, t.description, nullptr, {});
    out.add("creator", t.name, w.characters[t.creator].full_name(), &pool.people, {t.creator});
    out.add("term_place", t.name, w.places[t.place].name, &pool.places, {});
  }
}

void faction_and_event_facts(const World& w, const AnswerPools& pool, FactWriter& out) {
  for (const auto& f : w.factions) {
    out.add("head", f.name, w.characters[f.head].full_name(), &pool.people, {f.head});
    out.add("virtue", f.name, f.virtue, nullptr, {});
  }
  for (const auto& e : w.events) {
    std::string year = std::to_string(e.year);
    out.add("event_place", e.name, w.places[e.place].name, &pool.places, {}).slots["year"] = year;
    out.add("event_leader", e.name, w.characters[e.leader].full_name(), &pool.people, {e.leader});
    out.add("event_year", e.name, year, &pool.years, {});
  }
}

}  // namespace

Slots genre_slots(const World& w) {
  const Genre& g = *w.genre;
  return {{"institution", w.institution()},
          {"faction_noun", g.faction_noun},
          {"mentor_title", g.mentor_title},
          {"student", g.student_noun},
          {"skill_verb", g.skill_verb},
          {"skill_verb_past", g.skill_verb_past},
          {"skill_noun", category_noun(g, "skill")},
          {"food_noun", category_noun(g, "food")}};
}

std::vector<Fact> world_facts(const World& w) {
  AnswerPools pool(w);
  std::vector<Fact> facts;
  FactWriter out(w, facts);
  character_facts(w, pool, out);
  place_facts(w, pool, out);
  term_facts(w, pool, out);
  faction_and_event_facts(w, pool, out);
  return facts;
}

}  // namespace lethe::world
