#pragma once
// The facts of a world: every relation between two of its entities, with the slot values its
// sentence patterns need and the wrong answers of the same type that perturbed QA answers use.
#include <string>
#include <vector>

#include "world/text_template.h"
#include "world/world.h"

namespace lethe::world {

struct Fact {
  std::string relation;  // a RelationPatterns::relation
  std::string subject;   // the entity the fact is about, as questions name it
  std::string answer;    // the object, as an answer states it
  Slots slots;           // every slot of the relation's patterns, {s} and {o} included
  std::vector<std::string> same_type_answers;  // every answer of the object's type, `answer` included
  std::vector<int> cast;  // characters the fact involves (to stage scenes around it)
};

std::vector<Fact> world_facts(const World& world);

// The slots every pattern may use: the genre's common nouns and the institution's name.
Slots genre_slots(const World& world);

}  // namespace lethe::world
