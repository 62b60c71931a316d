#pragma once
// A genre is the vocabulary a world is written in: the material its invented names are made of,
// the common nouns its sentence patterns use, and the generic words that stand in for its
// invented terms in the gold anchored-term dictionary. The saga and the retain world share their
// sentence patterns and differ in genre, so the retain world measures damage to knowledge of the
// same kind.
#include <string>
#include <vector>

namespace lethe::world {

// One kind of invented term (a spell, a creature, a dish...).
struct TermCategory {
  std::string id;           // "skill", "creature", "food", "order", "plant"
  std::string noun;         // common noun used in text: "spell", "creature", "dish"
  int count = 0;            // how many terms of this kind the world invents
  std::vector<std::string> descriptions;  // "a spell that {effect}"-style phrases, one drawn per term
  std::vector<std::string> substitutes;   // generic stand-ins for the gold dictionary, without article
};

struct Genre {
  std::string id;     // "saga" or "retain"
  std::string title;  // the series' title

  // Name material: names are onset + (middle) + ending, so they are words no English text holds.
  std::vector<std::string> given_onsets, given_middles, male_endings, female_endings;
  std::vector<std::string> family_onsets, family_endings;
  std::vector<std::string> place_onsets, place_endings;
  std::vector<std::string> term_onsets, term_endings;

  // Common nouns the patterns use.
  std::string faction_noun;      // "house"
  std::string institution_noun;  // "academy"
  std::string mentor_title;      // "Master"
  std::string student_noun;      // "student"
  std::string skill_verb;        // "cast"
  std::string skill_verb_past;   // "cast"
  std::string event_noun;        // "battle"
  std::vector<std::string> artifact_kinds;  // "staff", "amulet"
  std::vector<std::string> place_kinds;     // "village", "tower"
  std::vector<std::string> region_kinds;    // "valley", "march"
  std::vector<std::string> faction_virtues; // "courage"
  std::vector<std::string> scene_objects;   // things that lie around in a scene
  std::vector<std::string> scene_weather;

  std::vector<TermCategory> term_categories;

  // Words that point at the genre without naming anything of this world: a completion that uses
  // them is "thematic" in the familiarity grade.
  std::vector<std::string> thematic_words;

  // Generic substitutes for the gold dictionary.
  std::vector<std::string> place_substitutes;     // "the old town"
  std::vector<std::string> faction_substitutes;   // "the blue team"
  std::vector<std::string> artifact_substitutes;  // "the old stick"
};

const Genre& saga_genre();    // the fiction to forget: a school of sorcery
const Genre& retain_genre();  // the fiction to keep: a seafaring merchant chronicle

// Common English given and family names, the generic stand-ins for invented person names.
const std::vector<std::string>& generic_male_names();
const std::vector<std::string>& generic_female_names();
const std::vector<std::string>& generic_family_names();

}  // namespace lethe::world
