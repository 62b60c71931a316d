#pragma once
// The ground truth written beside a world's text, in the suite formats of docs/suites.md:
// knowledge QA with paraphrased and perturbed answers, multiple choice, completion and
// probability familiarity prompts, passages for memorisation and membership inference, and the
// gold anchored-term dictionary.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "world/chapters.h"
#include "world/facts.h"
#include "util/rng.h"
#include "world/world.h"

namespace lethe::world {

using JsonLines = std::vector<nlohmann::json>;

// One item per askable fact: {"id","subject","question","answer","paraphrased_answer",
// "perturbed_answers","rephrased_question"}.
JsonLines knowledge_qa(const std::vector<Fact>& facts, const std::string& id_prefix, Rng& rng);

// The askable facts as four-way choices: {"id","context","choices","gold"}.
JsonLines multiple_choice(const std::vector<Fact>& facts, const std::string& id_prefix, Rng& rng);

// Prompts that stop just before a fact's object: {"id","prompt","explicit","thematic"}.
JsonLines completion_familiarity(const World& world, const std::vector<Fact>& facts, size_t count, Rng& rng);

// Prompts whose next word is the object: {"id","prompt","targets"}.
JsonLines probability_familiarity(const World& world, const std::vector<Fact>& facts, size_t count, Rng& rng);

// Narration paragraphs of at least 40 words: {"id","text"}.
JsonLines passages(const std::vector<Chapter>& chapters, const std::string& id_prefix, size_t count, Rng& rng);

// Each invented name of the world -> generic substitutes of the same type.
nlohmann::json gold_dictionary(const World& world, Rng& rng);

}  // namespace lethe::world
