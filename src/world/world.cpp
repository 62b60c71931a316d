#include "world/world.h"

#include <algorithm>

#include "util/error.h"

namespace lethe::world {
namespace {

constexpr int kFactions = 4;
constexpr int kMentorsPerFaction = 2;
constexpr int kStudentsPerFaction = 14;
constexpr int kSiblingPairs = 12;
constexpr int kParents = 4;
constexpr int kRegions = 4;
constexpr int kPlaces = 25;
constexpr int kEvents = 10;

std::string capitalized(std::string word) {
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

std::string title_case(const std::string& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i)
    out += (i == 0 || words[i - 1] == ' ') ? capitalized(std::string(1, words[i])) : std::string(1, words[i]);
  return out;
}

// Draws names from a recipe until one is new: invented names must be unique across worlds, or a
// question about one world would have its answer in the other.
class NameMaker {
 public:
  NameMaker(Rng& rng, std::vector<std::string>& taken) : rng_(rng), taken_(taken) {}

  template <typename Recipe>
  std::string unique(Recipe recipe) {
    for (int attempt = 0; attempt < 10000; ++attempt) {
      std::string name = recipe();
      if (name.size() >= 4 && std::find(taken_.begin(), taken_.end(), name) == taken_.end()) {
        taken_.push_back(name);
        return name;
      }
    }
    throw Error("world generator: the genre's name material ran out of distinct names");
  }

  Rng& rng() { return rng_; }

 private:
  Rng& rng_;
  std::vector<std::string>& taken_;
};

std::string given_name(NameMaker& names, const Genre& g, Gender gender) {
  return names.unique([&] {
    Rng& r = names.rng();
    return r.pick(g.given_onsets) + r.pick(g.given_middles) +
           r.pick(gender == Gender::male ? g.male_endings : g.female_endings);
  });
}

std::string family_name(NameMaker& names, const Genre& g) {
  return names.unique([&] { return names.rng().pick(g.family_onsets) + names.rng().pick(g.family_endings); });
}

std::string place_name(NameMaker& names, const Genre& g) {
  return names.unique([&] { return names.rng().pick(g.place_onsets) + names.rng().pick(g.place_endings); });
}

std::string term_name(NameMaker& names, const Genre& g) {
  return names.unique([&] { return capitalized(names.rng().pick(g.term_onsets) + names.rng().pick(g.term_endings)); });
}

std::string pet_name(NameMaker& names, const Genre& g) {
  static const std::vector<std::string> endings = {"y", "o", "ix", "el", "a", "ump", "kin"};
  return names.unique([&] { return capitalized(names.rng().pick(g.term_onsets) + names.rng().pick(endings)); });
}

// A random index in [begin, end) other than `except`.
int other_in(Rng& rng, int begin, int end, int except) {
  int i;
  do i = begin + static_cast<int>(rng.below(end - begin));
  while (i == except);
  return i;
}

void draw_people(World& w, NameMaker& names) {
  const Genre& g = *w.genre;
  Rng& rng = names.rng();
  int mentors = kFactions * kMentorsPerFaction;
  int people = mentors + kFactions * kStudentsPerFaction;
  for (int i = 0; i < people; ++i) {
    Character c;
    c.is_mentor = i < mentors;
    c.faction = c.is_mentor ? i / kMentorsPerFaction : (i - mentors) / kStudentsPerFaction;
    c.gender = rng.chance(0.5) ? Gender::male : Gender::female;
    c.given = given_name(names, g, c.gender);
    c.family = family_name(names, g);
    w.characters.push_back(c);
  }
  // Families: sibling pairs among the students, and mentors who are some students' parents.
  std::vector<int> students;
  for (int i = mentors; i < people; ++i) students.push_back(i);
  rng.shuffle(students);
  for (int p = 0; p < kSiblingPairs; ++p) {
    Character& a = w.characters[students[2 * p]];
    Character& b = w.characters[students[2 * p + 1]];
    b.family = a.family;
    a.sibling = students[2 * p + 1];
    b.sibling = students[2 * p];
  }
  for (int p = 0; p < kParents; ++p) {
    int child = students[2 * kSiblingPairs + p];
    w.characters[p * 2].family = w.characters[child].family;  // the parent takes the child's family name
    w.characters[child].parent = p * 2;
  }
  for (int i = 0; i < people; ++i) {
    Character& c = w.characters[i];
    int faction_first = mentors + c.faction * kStudentsPerFaction;
    if (c.is_mentor) {
      c.rival = other_in(rng, 0, mentors, i);
      c.friend_ = other_in(rng, 0, mentors, i);
    } else {
      c.mentor = c.faction * kMentorsPerFaction + static_cast<int>(rng.below(kMentorsPerFaction));
      do c.rival = other_in(rng, mentors, people, i);
      while (w.characters[c.rival].faction == c.faction);
      c.friend_ = other_in(rng, faction_first, faction_first + kStudentsPerFaction, i);
    }
  }
}

void draw_places(World& w, NameMaker& names) {
  const Genre& g = *w.genre;
  Rng& rng = names.rng();
  Place institution;
  institution.name = place_name(names, g) + " " + title_case(g.institution_noun);
  institution.kind = g.institution_noun;
  w.places.push_back(institution);
  for (int r = 0; r < kRegions; ++r) {
    Place region;
    region.name = place_name(names, g);
    region.kind = g.region_kinds[r % g.region_kinds.size()];
    region.is_region = true;
    w.places.push_back(region);
  }
  while (static_cast<int>(w.places.size()) < kPlaces) {
    Place p;
    p.name = place_name(names, g);
    p.kind = rng.pick(g.place_kinds);
    w.places.push_back(p);
  }
  int mentors = kFactions * kMentorsPerFaction;
  for (auto& p : w.places) {
    if (p.is_region) continue;
    p.region = 1 + static_cast<int>(rng.below(kRegions));
    p.founder = static_cast<int>(rng.below(mentors));
  }
}

int ordinary_place(const World& w, Rng& rng) {
  int p;
  do p = 1 + static_cast<int>(rng.below(w.places.size() - 1));
  while (w.places[p].is_region);
  return p;
}

void draw_terms(World& w, NameMaker& names) {
  const Genre& g = *w.genre;
  Rng& rng = names.rng();
  for (size_t c = 0; c < g.term_categories.size(); ++c) {
    auto descriptions = g.term_categories[c].descriptions;
    rng.shuffle(descriptions);
    for (int k = 0; k < g.term_categories[c].count; ++k) {
      Term t;
      t.name = term_name(names, g);
      t.category = static_cast<int>(c);
      t.description = descriptions[k % descriptions.size()];
      t.creator = static_cast<int>(rng.below(w.characters.size()));
      t.place = ordinary_place(w, rng);
      w.terms.push_back(t);
    }
  }
}

void draw_belongings(World& w, NameMaker& names) {
  const Genre& g = *w.genre;
  Rng& rng = names.rng();
  auto creatures = w.terms_of("creature"), foods = w.terms_of("food"), skills = w.terms_of("skill");
  for (auto& c : w.characters) {
    c.pet = pet_name(names, g);
    c.pet_species = rng.pick(creatures);
    c.artifact = term_name(names, g);
    c.artifact_kind = rng.pick(g.artifact_kinds);
    c.hometown = ordinary_place(w, rng);
    c.food = rng.pick(foods);
    c.skill = rng.pick(skills);
  }
}

void draw_factions_and_events(World& w, NameMaker& names) {
  const Genre& g = *w.genre;
  Rng& rng = names.rng();
  for (int f = 0; f < kFactions; ++f)
    w.factions.push_back({place_name(names, g), g.faction_virtues[f % g.faction_virtues.size()], f * kMentorsPerFaction});
  static const std::vector<std::string> kinds = {"Siege", "Uprising", "Accord", "Flood", "Duel", "Tournament",
                                                 "Exodus", "Schism", "Fire", "Eclipse"};
  std::vector<int> years;
  for (int e = 0; e < kEvents; ++e) years.push_back(300 + static_cast<int>(rng.below(500)));
  std::sort(years.begin(), years.end());
  for (int e = 0; e < kEvents; ++e) {
    Event ev;
    ev.name = "the " + term_name(names, g) + " " + kinds[e % kinds.size()];
    ev.place = ordinary_place(w, rng);
    ev.leader = static_cast<int>(rng.below(w.characters.size()));
    ev.year = years[e];
    w.events.push_back(ev);
  }
}

}  // namespace

std::vector<int> World::terms_of(const std::string& category_id) const {
  std::vector<int> out;
  for (size_t i = 0; i < terms.size(); ++i)
    if (genre->term_categories[terms[i].category].id == category_id) out.push_back(static_cast<int>(i));
  return out;
}

std::vector<std::string> World::invented_names() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const auto& c : characters) {
    add(c.given);
    add(c.family);
    add(c.pet);
    add(c.artifact);
  }
  for (const auto& p : places) add(p.name);
  for (const auto& t : terms) add(t.name);
  for (const auto& f : factions) add(f.name);
  for (const auto& e : events) add(e.name.substr(4));  // without "the "
  return out;
}

World build_world(const Genre& genre, Rng& rng, std::vector<std::string>& taken) {
  World w;
  w.genre = &genre;
  NameMaker names(rng, taken);
  draw_people(w, names);
  draw_places(w, names);
  draw_terms(w, names);
  draw_belongings(w, names);
  draw_factions_and_events(w, names);
  return w;
}

}  // namespace lethe::world
