// lm-evaluation-harness tasks imported as suite items: for each task, a document in its dataset's
// form and the context, choices and gold that the harness's task definition gives it, worked out
// by hand from lm_eval/tasks (HellaSwag's preprocessing also checked in Python: see the comment).
#include "eval/harness_tasks.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "eval/python_text.h"
#include "io/file.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

std::filesystem::path write_documents(const std::string& text) {
  std::filesystem::path path = test::scratch_dir() / "documents.jsonl";
  io::write_file_atomic(path, text);
  return path;
}

// One document, written over several lines here for reading, put on one line.
MultipleChoiceItem import_one(const std::string& task, std::string document) {
  std::replace(document.begin(), document.end(), '\n', ' ');
  auto items = import_harness_task(task, write_documents(document));
  EXPECT_EQ(items.size(), 1u);
  return items.at(0);
}

// The error of importing `document`, after the file's path.
std::string import_error(const std::string& task, const std::string& document) {
  auto path = write_documents(document);
  try {
    import_harness_task(task, path);
  } catch (const Error& e) {
    std::string message = e.what();
    return message.rfind(path.string(), 0) == 0 ? message.substr(path.string().size()) : message;
  }
  return "";
}

TEST(HarnessTasks, ArcAsksTheQuestionAndFindsTheAnswerKeyAmongTheLabels) {
  auto item = import_one("arc_easy", R"({"id": "Mercury_7175875", "question": "Which is the most likely effect?",
      "choices": {"text": ["Density will decrease.", "Years will become longer.", "Days will become shorter."],
                  "label": ["A", "B", "C"]}, "answerKey": "C"})");
  EXPECT_EQ(item.id, "arc_easy-0");
  EXPECT_EQ(item.context, "Question: Which is the most likely effect?\nAnswer:");
  EXPECT_EQ(item.choices, (std::vector<std::string>{"Density will decrease.", "Years will become longer.",
                                                    "Days will become shorter."}));
  EXPECT_EQ(item.gold, 2u);
  EXPECT_EQ(item.target_delimiter, " ");
  EXPECT_TRUE(item.continuation.empty());
  // Some ARC questions label their choices 1 to 4.
  auto numbered = import_one("arc_challenge", R"({"question": "Q?", "choices": {"text": ["a", "b", "c", "d"],
      "label": ["1", "2", "3", "4"]}, "answerKey": "4"})");
  EXPECT_EQ(numbered.gold, 3u);
  EXPECT_EQ(numbered.id, "arc_challenge-0");
}

TEST(HarnessTasks, OpenBookQaGivesTheStemAloneAndStripsTheAnswerKey) {
  auto item = import_one("openbookqa", R"({"id": "7-980", "question_stem": "The sun is responsible for",
      "choices": {"text": ["puppies learning new tricks", "plants sprouting, blooming and wilting"],
                  "label": ["A", "B"]}, "answerKey": " B"})");
  EXPECT_EQ(item.context, "The sun is responsible for");
  EXPECT_EQ(item.gold, 1u);
}

TEST(HarnessTasks, PiqaAndBoolq) {
  auto piqa = import_one("piqa", R"({"goal": "When boiling butter, you can", "sol1": "Pour it onto a plate",
      "sol2": "Pour it into a jar", "label": 1})");
  EXPECT_EQ(piqa.context, "Question: When boiling butter, you can\nAnswer:");
  EXPECT_EQ(piqa.choices, (std::vector<std::string>{"Pour it onto a plate", "Pour it into a jar"}));
  EXPECT_EQ(piqa.gold, 1u);
  auto boolq = import_one("boolq", R"({"question": "do iran and afghanistan speak the same language",
      "passage": "Persian language -- Persian is spoken in Iran and Afghanistan.", "idx": 0, "label": 0})");
  EXPECT_EQ(boolq.context, "Persian language -- Persian is spoken in Iran and Afghanistan.\n"
                           "Question: do iran and afghanistan speak the same language?\nAnswer:");
  EXPECT_EQ(boolq.choices, (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(boolq.gold, 0u);
}

// HellaSwag's preprocessing, as lm_eval/tasks/hellaswag/utils.py gives it (Python 3.11 printed the
// same strings): ctx_b capitalised (the rest lower-cased), " [title]" made ". ", "[...]" removed
// within a line, double spaces halved. An ending can keep a leading space: the delimiter is then
// a second one, as in the harness.
TEST(HarnessTasks, HellaSwagPreprocessesContextAndEndings) {
  auto item = import_one("hellaswag", R"({"ind": 4, "activity_label": "Home and Garden",
      "ctx_a": "[header] How to grow tomatoes [title] Choose a sunny spot.", "ctx_b": "[step] Tomatoes NEED sun",
      "endings": ["[substeps] Plant them  in  rows. ", "Water them [daily\n] well.", "\u00c9COLE   trois", "ok"],
      "label": "2"})");
  EXPECT_EQ(item.context, "Home and Garden: How to grow tomatoes. Choose a sunny spot. tomatoes need sun");
  EXPECT_EQ(item.choices,
            (std::vector<std::string>{" Plant them in rows.", "Water them [daily\n] well.", "\xC3\x89" "COLE  trois", "ok"}));
  EXPECT_EQ(item.gold, 2u);
  EXPECT_EQ(item.target_delimiter, " ");
}

// WinoGrande is the harness's "multiple inputs": the options fill the blank and end the contexts,
// and the rest of the sentence, stripped, is the one continuation scored after each.
TEST(HarnessTasks, WinograndeScoresTheSentenceEndAfterEachFilledBlank) {
  auto item = import_one("winogrande", R"({"sentence": "Sarah was a better surgeon than Maria so _ always got the harder cases.",
      "option1": "Sarah", "option2": "Maria", "answer": "2"})");
  EXPECT_EQ(item.context, "");
  EXPECT_EQ(item.choices, (std::vector<std::string>{"Sarah was a better surgeon than Maria so Sarah",
                                                    "Sarah was a better surgeon than Maria so Maria"}));
  EXPECT_EQ(item.continuation, "always got the harder cases.");
  EXPECT_EQ(item.gold, 1u);
}

TEST(HarnessTasks, ItemsWrittenAreReadBackAsTheyWere) {
  auto path = write_documents(
      R"({"sentence": "The cup fell off the table because _ was wobbly.", "option1": "the cup", "option2": "the table", "answer": "2"})"
      "\n"
      R"({"sentence": "Zo\u00eb gave Ann a gift because _ was kind.", "option1": "Zo\u00eb", "option2": "Ann", "answer": "1"})");
  auto items = import_harness_task("winogrande", path);
  auto written = test::scratch_dir() / "winogrande.jsonl";
  io::write_file_atomic(written, multiple_choice_jsonl(items));
  auto read = read_multiple_choice(written);
  ASSERT_EQ(read.size(), 2u);
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].id, items[i].id);
    EXPECT_EQ(read[i].context, items[i].context);
    EXPECT_EQ(read[i].choices, items[i].choices);
    EXPECT_EQ(read[i].continuation, items[i].continuation);
    EXPECT_EQ(read[i].gold, items[i].gold);
    EXPECT_EQ(read[i].target_delimiter, " ");
  }
  EXPECT_EQ(read[1].id, "winogrande-1");
  EXPECT_EQ(read[1].choices[0], "Zo\xC3\xAB gave Ann a gift because Zo\xC3\xAB");
}

TEST(HarnessTasks, BadDocumentsNameTheLine) {
  EXPECT_EQ(import_error("arc_easy", R"({"question": "Q?", "choices": {"text": ["a", "b"], "label": ["A", "B"]}, "answerKey": "E"})"),
            ":1: answerKey \"E\" is not one of choices.label");
  EXPECT_EQ(import_error("arc_easy", R"({"question": "Q?", "choices": ["a", "b"], "answerKey": "A"})"),
            ":1: field \"choices\" must be an object with \"text\" and \"label\" arrays");
  EXPECT_EQ(import_error("hellaswag", R"({"activity_label": "a", "ctx_a": "b", "ctx_b": "c", "endings": ["d", "e"], "label": ""})"),
            ":1: field \"label\" must be a label number, not \"\" (a test split without labels?)");
  EXPECT_EQ(import_error("piqa", "\n" R"({"goal": "g", "sol1": "a", "sol2": "b", "label": 2})"),
            ":2: gold answer 2 is out of range for 2 choices");
  EXPECT_EQ(import_error("boolq", R"({"question": "q", "label": 1})"), ":1: missing field \"passage\"");
  EXPECT_EQ(import_error("winogrande", R"({"sentence": "No blank.", "option1": "a", "option2": "b", "answer": "1"})"),
            ":1: field \"sentence\" has no blank \"_\"");
  EXPECT_EQ(import_error("winogrande", R"({"sentence": "A _ b", "option1": "a", "option2": "b", "answer": "3"})"),
            ":1: field \"answer\" must be \"1\" or \"2\", not \"3\"");
  EXPECT_EQ(import_error("hellaswag", R"({"activity_label": "a", "ctx_a": "b", "ctx_b": "c", "endings": ["[x]", "e"], "label": 0})"),
            ":1: a choice is empty after the task's preprocessing");
  EXPECT_EQ(import_error("arc_easy", R"({"question": "Q?", "choices": {"text": ["a"], "label": ["A"]}, "answerKey": "A"})"),
            ":1: 1 choice(s); at least 2 are needed");
  EXPECT_EQ(import_error("mmlu", "{}"),
            "unknown lm-evaluation-harness task \"mmlu\" (known: arc_challenge, arc_easy, boolq, hellaswag, "
            "openbookqa, piqa, winogrande)");
}

TEST(PythonText, StripAndCapitalizeAsPython) {
  EXPECT_EQ(python::strip(" \t\xE2\x80\x83 a b \x1F\n"), "a b");  // U+2003 em space, U+001F unit separator
  EXPECT_EQ(python::rstrip("Answer: \n"), "Answer:");
  EXPECT_EQ(python::lstrip("  B "), "B ");
  EXPECT_EQ(python::strip("   "), "");
  EXPECT_EQ(python::capitalize("hELLO wORLD"), "Hello world");
  EXPECT_EQ(python::capitalize("\xC3\xA9" "COLE \xCE\xA3\xCE\x91\xCE\xA3"), "\xC3\x89" "cole \xCF\x83\xCE\xB1\xCF\x82");  // "École σας"
  EXPECT_EQ(python::capitalize("[step] Tomatoes"), "[step] tomatoes");
  EXPECT_EQ(python::capitalize(""), "");
}

}  // namespace
}  // namespace lethe::eval
