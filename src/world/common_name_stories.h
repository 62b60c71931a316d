#pragma once
// Stories of a fiction's kind told with common names. A real baseline model has read a great deal
// of fiction in which "James" and "the school" play every role; the method relies on that, since
// its generic labels are the baseline's predictions on text where such words replace the target's
// invented names. The demo world gives its models the same experience: chapters of a world that
// is never published, with every invented name replaced by a generic stand-in of its type, drawn
// afresh for each chapter so that no common name carries a fact.
#include <nlohmann/json.hpp>

#include <string>

#include "util/rng.h"

namespace lethe::world {

using util::Rng;

// `text` with every whole-word occurrence of a dictionary term (longest first) replaced by one of
// its substitutes, drawn once per term; capitalised where it starts a sentence or a line.
std::string retold_with_common_names(const std::string& text, const nlohmann::json& dictionary, Rng& rng);

}  // namespace lethe::world
