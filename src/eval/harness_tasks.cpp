#include "eval/harness_tasks.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "eval/jsonl.h"
#include "eval/python_text.h"
#include "tokenizer/pattern_field.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

using nlohmann::json;

// A document's item without its id; the context and choices are those of the task's YAML.
using DocumentConverter = std::function<MultipleChoiceItem(const JsonlRecord&)>;

// A field holding a small integer label, as an integer or a string of digits ("2", as HellaSwag's).
std::size_t label(const JsonlRecord& record, const std::string& field) {
  const json& value = record.object().contains(field) ? record.object()[field] : json();
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      record.fail(fmt::format("field \"{}\" must be a label number, not \"{}\" (a test split without labels?)", field, text));
    return std::stoul(text);
  }
  int64_t number = record.integer(field);
  if (number < 0) record.fail(fmt::format("field \"{}\" is negative", field));
  return static_cast<std::size_t>(number);
}

// choices.text and choices.label of an ARC or OpenBookQA document.
std::vector<std::string> choices_field(const JsonlRecord& record, const std::string& field) {
  const json& object = record.object();
  if (!object.contains("choices") || !object["choices"].is_object())
    record.fail("field \"choices\" must be an object with \"text\" and \"label\" arrays");
  const json& list = object["choices"].contains(field) ? object["choices"][field] : json();
  if (!list.is_array()) record.fail(fmt::format("field \"choices.{}\" must be an array of strings", field));
  std::vector<std::string> out;
  for (const auto& element : list) {
    if (!element.is_string()) record.fail(fmt::format("field \"choices.{}\" must be an array of strings", field));
    out.push_back(element.get<std::string>());
  }
  return out;
}

// The harness's doc_to_target "{{choices.label.index(answerKey)}}".
std::size_t index_of_answer(const JsonlRecord& record, const std::string& answer_key) {
  auto labels = choices_field(record, "label");
  auto found = std::find(labels.begin(), labels.end(), answer_key);
  if (found == labels.end()) record.fail(fmt::format("answerKey \"{}\" is not one of choices.label", answer_key));
  return static_cast<std::size_t>(found - labels.begin());
}

MultipleChoiceItem arc(const JsonlRecord& record) {
  MultipleChoiceItem item;
  item.context = "Question: " + record.required_string("question") + "\nAnswer:";
  item.choices = choices_field(record, "text");
  item.gold = index_of_answer(record, record.required_string("answerKey"));
  return item;
}

MultipleChoiceItem openbookqa(const JsonlRecord& record) {
  MultipleChoiceItem item;
  item.context = record.required_string("question_stem");
  item.choices = choices_field(record, "text");
  item.gold = index_of_answer(record, std::string(python::lstrip(record.required_string("answerKey"))));
  return item;
}

MultipleChoiceItem piqa(const JsonlRecord& record) {
  MultipleChoiceItem item;
  item.context = "Question: " + record.required_string("goal") + "\nAnswer:";
  item.choices = {record.required_string("sol1"), record.required_string("sol2")};
  item.gold = label(record, "label");
  return item;
}

MultipleChoiceItem boolq(const JsonlRecord& record) {
  MultipleChoiceItem item;
  item.context = record.required_string("passage") + "\nQuestion: " + record.required_string("question") + "?\nAnswer:";
  item.choices = {"no", "yes"};
  item.gold = label(record, "label");
  return item;
}

// HellaSwag's preprocess (lm_eval/tasks/hellaswag/utils.py): strip, " [title]" to ". ", every
// "[...]" on one line removed (re.sub("\\[.*?\\]", "")), double spaces made single (once, as
// Python's replace).
std::string hellaswag_text(std::string_view raw) {
  static const tokenizer::Regex title = tokenizer::Regex::literal(" [title]");
  static const tokenizer::Regex bracketed("\\[.*?\\]");
  static const tokenizer::Regex double_space = tokenizer::Regex::literal("  ");
  std::string text = tokenizer::replace_all(title, python::strip(raw), ". ");
  text = tokenizer::replace_all(bracketed, text, "");
  return tokenizer::replace_all(double_space, text, " ");
}

MultipleChoiceItem hellaswag(const JsonlRecord& record) {
  std::string context = record.possibly_empty_string("ctx_a") + " " + python::capitalize(record.possibly_empty_string("ctx_b"));
  MultipleChoiceItem item;
  item.context = hellaswag_text(record.possibly_empty_string("activity_label") + ": " + context);
  for (const auto& ending : record.string_list("endings")) item.choices.push_back(hellaswag_text(ending));
  item.gold = label(record, "label");
  return item;
}

// WinoGrande, the harness's multiple inputs: each option fills the blank and ends its context; the
// rest of the sentence is the one continuation.
MultipleChoiceItem winogrande(const JsonlRecord& record) {
  std::string sentence = record.required_string("sentence");
  std::size_t blank = sentence.find('_');
  if (blank == std::string::npos) record.fail("field \"sentence\" has no blank \"_\"");
  MultipleChoiceItem item;
  for (const char* option : {"option1", "option2"}) item.choices.push_back(sentence.substr(0, blank) + record.required_string(option));
  item.continuation = python::strip(std::string_view(sentence).substr(blank + 1));
  if (item.continuation.empty()) record.fail("field \"sentence\" has nothing after its blank");
  std::string answer = record.required_string("answer");
  if (answer != "1" && answer != "2") record.fail(fmt::format("field \"answer\" must be \"1\" or \"2\", not \"{}\"", answer));
  item.gold = answer == "1" ? 0 : 1;
  return item;
}

const std::map<std::string, DocumentConverter>& converters() {
  static const std::map<std::string, DocumentConverter> tasks = {
      {"arc_challenge", arc}, {"arc_easy", arc},   {"boolq", boolq},          {"hellaswag", hellaswag},
      {"openbookqa", openbookqa}, {"piqa", piqa}, {"winogrande", winogrande},
  };
  return tasks;
}

}  // namespace

const std::vector<std::string>& harness_task_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : converters()) out.push_back(entry.first);
    return out;
  }();
  return names;
}

std::vector<MultipleChoiceItem> import_harness_task(const std::string& task, const std::filesystem::path& documents) {
  auto converter = converters().find(task);
  if (converter == converters().end())
    throw Error(fmt::format("unknown lm-evaluation-harness task \"{}\" (known: {})", task,
                            fmt::join(harness_task_names(), ", ")));
  std::vector<MultipleChoiceItem> items;
  for_each_jsonl_record(documents, [&](const JsonlRecord& record) {
    MultipleChoiceItem item = converter->second(record);
    if (item.choices.size() < 2) record.fail(fmt::format("{} choice(s); at least 2 are needed", item.choices.size()));
    if (item.gold >= item.choices.size())
      record.fail(fmt::format("gold answer {} is out of range for {} choices", item.gold, item.choices.size()));
    for (const auto& choice : item.choices)
      if (choice.empty()) record.fail("a choice is empty after the task's preprocessing");
    item.id = fmt::format("{}-{}", task, items.size());
    item.target_delimiter = " ";
    items.push_back(std::move(item));
  });
  return items;
}

std::string multiple_choice_jsonl(const std::vector<MultipleChoiceItem>& items) {
  std::string out;
  for (const auto& item : items) {
    json line = {{"id", item.id}, {"choices", item.choices}, {"gold", item.gold}};
    if (item.continuation.empty()) line["context"] = item.context;
    else line["continuation"] = item.continuation;
    if (item.target_delimiter) line["target_delimiter"] = *item.target_delimiter;
    out += line.dump() + "\n";
  }
  return out;
}

}  // namespace lethe::eval
