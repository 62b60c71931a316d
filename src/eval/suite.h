#pragma once
// The evaluation suites' files: JSON Lines, one item per line, in the schemas of docs/suites.md.
// Each reader returns the items in file order and throws lethe::Error naming the file, the line
// and what is wrong: invalid JSON, a missing field, a wrong type, an empty string where text is
// needed, a gold index out of range, an id used twice, a file with no items. Fields not in the
// schema are ignored.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lethe::eval {

// forget_qa.jsonl, retain_qa.jsonl. Optional fields are empty when absent; the truth ratio needs
// both paraphrased_answer and perturbed_answers.
struct QaItem {
  std::string id;
  std::string subject;  // optional: whom or what the question is about
  std::string question;
  std::string answer;
  std::string paraphrased_answer;              // optional
  std::vector<std::string> perturbed_answers;  // optional: wrong answers in the same form
  std::string rephrased_question;              // optional: the question in other words
};

// Completion familiarity: a prompt and the terms whose appearance in a completion is graded.
struct CompletionPrompt {
  std::string id;
  std::string prompt;
  std::vector<std::string> explicit_terms;  // "explicit" in the file
  std::vector<std::string> thematic_terms;  // "thematic" in the file
};

// Probability familiarity: a prompt and continuations whose first token is a target-specific token.
struct ProbabilityPrompt {
  std::string id;
  std::string prompt;
  std::vector<std::string> targets;
};

// forget_passages.jsonl, holdout_passages.jsonl, ...
struct Passage {
  std::string id;
  std::string text;
};

// Each choice continues the context; or, with a `continuation` (lm-evaluation-harness's multiple
// inputs, as in WinoGrande), each choice is a context and the one continuation is scored after it.
struct MultipleChoiceItem {
  std::string id;
  std::string context;  // may be empty; empty when there is a continuation
  std::vector<std::string> choices;
  std::size_t gold = 0;  // index into choices
  std::string continuation;  // optional
  // What goes between a context and what continues it; absent: one space, unless the context is
  // empty or the continuation starts with whitespace.
  std::optional<std::string> target_delimiter;
};

std::vector<QaItem> read_qa_suite(const std::filesystem::path& path);
std::vector<CompletionPrompt> read_completion_prompts(const std::filesystem::path& path);
std::vector<ProbabilityPrompt> read_probability_prompts(const std::filesystem::path& path);
std::vector<Passage> read_passages(const std::filesystem::path& path);
std::vector<MultipleChoiceItem> read_multiple_choice(const std::filesystem::path& path);

}  // namespace lethe::eval
