#pragma once
// The entities of one generated world (the saga, or the retain world) and the facts that tie
// them together. Indices refer into the World's vectors; -1 means "none".
#include <cstdint>
#include <string>
#include <vector>

#include "world/genre.h"
#include "util/rng.h"

namespace lethe::world {

using util::Rng;

enum class Gender { male, female };

struct Character {
  std::string given, family;
  Gender gender = Gender::male;
  bool is_mentor = false;
  int faction = -1;
  int mentor = -1, rival = -1, friend_ = -1, sibling = -1, parent = -1;
  std::string pet;            // the pet's name
  int pet_species = -1;       // a creature term
  std::string artifact;       // the signature artifact's name
  std::string artifact_kind;  // "staff"
  int hometown = -1;          // a place
  int food = -1;              // a food term
  int skill = -1;             // a skill term

  std::string full_name() const { return given + " " + family; }
};

struct Place {
  std::string name;
  std::string kind;   // "village"; regions have a region kind ("march")
  bool is_region = false;
  int region = -1;    // the region a place lies in
  int founder = -1;   // a character
};

struct Term {
  std::string name;
  int category = -1;  // index into Genre::term_categories
  std::string description;
  int creator = -1;   // a character
  int place = -1;     // where it is found or used
};

struct Faction {
  std::string name;
  std::string virtue;
  int head = -1;  // a mentor
};

struct Event {
  std::string name;  // "the Vexmore Siege"
  int place = -1, leader = -1, year = 0;
};

struct World {
  const Genre* genre = nullptr;
  std::vector<Character> characters;
  std::vector<Place> places;  // places[0] is the institution (the academy, the naval school)
  std::vector<Term> terms;
  std::vector<Faction> factions;
  std::vector<Event> events;

  const std::string& institution() const { return places[0].name; }
  std::vector<int> terms_of(const std::string& category_id) const;
  // Every invented name of the world (given and family names, places, terms, pets, artifacts,
  // factions, events): the explicit references of the familiarity prompts.
  std::vector<std::string> invented_names() const;
};

// Draws a world of the genre: 64 characters (8 mentors, 56 students in 4 factions), 25 places,
// 40 terms and 10 events. `taken` holds the names already used (by another world) and receives
// this world's, so no invented name is shared between worlds.
World build_world(const Genre& genre, Rng& rng, std::vector<std::string>& taken);

}  // namespace lethe::world
