#pragma once
// The sentence patterns the chapters are written from. Each relation between two entities (a
// character and a mentor, a place and its founder...) has statement patterns (narration and
// dialogue that state the fact), a question and a rephrased question (the QA ground truth), and
// an answer sentence (the paraphrased answer of TOFU-style evaluation). Scene patterns carry no
// fact: they are the texture between facts.
#include <string>
#include <vector>

namespace lethe::world {

struct RelationPatterns {
  std::string relation;                 // "mentor"
  std::vector<std::string> statements;  // slots: {s} subject, {sg} its short name, {o} object, ...
  std::string question;                 // "" for facts that are told but not asked
  std::string rephrased_question;
  std::string answer_sentence;
};

const std::vector<RelationPatterns>& relation_patterns();
const RelationPatterns& patterns_of(const std::string& relation);

// Slots: {a}, {b} (given names), {a_he}, {a_his}, {place}, {weather}, {object}, {institution}.
const std::vector<std::string>& scene_patterns();

// Frames that retell a statement whose first word is a name: "It was said that {core}".
const std::vector<std::string>& retelling_frames();

// Every distinct pattern (statements, questions, scenes, frames): the generator's range of prose.
size_t distinct_pattern_count();

}  // namespace lethe::world
