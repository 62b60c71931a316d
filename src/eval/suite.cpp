#include "eval/suite.h"

#include <fmt/format.h>

#include <map>

#include "eval/jsonl.h"
#include "eval/text_match.h"

namespace lethe::eval {
namespace {

// Reads every record with parse(record) and checks that ids are unique.
template <typename Item, typename Parse>
std::vector<Item> read_items(const std::filesystem::path& path, Parse parse) {
  std::vector<Item> items;
  std::map<std::string, int64_t> line_of_id;
  for_each_jsonl_record(path, [&](const JsonlRecord& record) {
    Item item = parse(record);
    auto [previous, inserted] = line_of_id.emplace(item.id, record.line());
    if (!inserted) record.fail(fmt::format("id \"{}\" is already used on line {}", item.id, previous->second));
    items.push_back(std::move(item));
  });
  return items;
}

// A term made only of punctuation has no words and could never be found in a completion.
std::vector<std::string> term_list(const JsonlRecord& record, const std::string& field) {
  std::vector<std::string> terms = record.string_list(field);
  for (std::size_t i = 0; i < terms.size(); ++i)
    if (words(terms[i]).empty()) record.fail(fmt::format("{}[{}] \"{}\" has no word in it", field, i, terms[i]));
  return terms;
}

QaItem parse_qa_item(const JsonlRecord& record) {
  QaItem item;
  item.id = record.required_string("id");
  item.subject = record.optional_string("subject");
  item.question = record.required_string("question");
  item.answer = record.required_string("answer");
  item.paraphrased_answer = record.optional_string("paraphrased_answer");
  if (record.has("perturbed_answers")) {
    item.perturbed_answers = record.string_list("perturbed_answers");
    if (item.perturbed_answers.empty()) record.fail("field \"perturbed_answers\" is an empty array");
  }
  item.rephrased_question = record.optional_string("rephrased_question");
  return item;
}

CompletionPrompt parse_completion_prompt(const JsonlRecord& record) {
  CompletionPrompt item;
  item.id = record.required_string("id");
  item.prompt = record.required_string("prompt");
  item.explicit_terms = term_list(record, "explicit");
  item.thematic_terms = term_list(record, "thematic");
  if (item.explicit_terms.empty() && item.thematic_terms.empty())
    record.fail("no term to grade: \"explicit\" and \"thematic\" are both empty");
  return item;
}

ProbabilityPrompt parse_probability_prompt(const JsonlRecord& record) {
  ProbabilityPrompt item;
  item.id = record.required_string("id");
  item.prompt = record.required_string("prompt");
  item.targets = record.string_list("targets");
  if (item.targets.empty()) record.fail("field \"targets\" is an empty array");
  return item;
}

Passage parse_passage(const JsonlRecord& record) {
  return {record.required_string("id"), record.required_string("text")};
}

MultipleChoiceItem parse_multiple_choice_item(const JsonlRecord& record) {
  MultipleChoiceItem item;
  item.id = record.required_string("id");
  if (record.has("context")) item.context = record.possibly_empty_string("context");
  item.choices = record.string_list("choices");
  if (item.choices.size() < 2)
    record.fail(fmt::format("field \"choices\" has {} choice(s); at least 2 are needed", item.choices.size()));
  int64_t gold = record.integer("gold");
  if (gold < 0 || gold >= static_cast<int64_t>(item.choices.size()))
    record.fail(fmt::format("gold index {} is out of range for {} choices (0 to {})", gold, item.choices.size(),
                            item.choices.size() - 1));
  item.gold = static_cast<std::size_t>(gold);
  item.continuation = record.optional_string("continuation");
  if (!item.continuation.empty() && !item.context.empty())
    record.fail("an item has either a \"context\" its choices continue or a \"continuation\" that continues each choice, not both");
  if (record.has("target_delimiter")) item.target_delimiter = record.possibly_empty_string("target_delimiter");
  return item;
}

}  // namespace

std::vector<QaItem> read_qa_suite(const std::filesystem::path& path) {
  return read_items<QaItem>(path, parse_qa_item);
}

std::vector<CompletionPrompt> read_completion_prompts(const std::filesystem::path& path) {
  return read_items<CompletionPrompt>(path, parse_completion_prompt);
}

std::vector<ProbabilityPrompt> read_probability_prompts(const std::filesystem::path& path) {
  return read_items<ProbabilityPrompt>(path, parse_probability_prompt);
}

std::vector<Passage> read_passages(const std::filesystem::path& path) {
  return read_items<Passage>(path, parse_passage);
}

std::vector<MultipleChoiceItem> read_multiple_choice(const std::filesystem::path& path) {
  return read_items<MultipleChoiceItem>(path, parse_multiple_choice_item);
}

}  // namespace lethe::eval
