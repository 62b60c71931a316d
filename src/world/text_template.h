#pragma once
// Sentence patterns with named slots: "{mentor} taught {s_given} the {skill}." Slots are filled
// from a map; a slot missing from the map is a bug in a pattern and throws lethe::Error.
#include <map>
#include <string>
#include <string_view>

namespace lethe::world {

using Slots = std::map<std::string, std::string>;

std::string fill_template(std::string_view pattern, const Slots& slots);

// Upper-cases the first ASCII letter (sentences may start with a slot such as "the {x}").
std::string capitalize_first(std::string text);

// Whitespace-separated words.
size_t count_words(std::string_view text);

}  // namespace lethe::world
