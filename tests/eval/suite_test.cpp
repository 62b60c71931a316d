// The suite readers: every schema read back, and each kind of bad line named by file and line.
#include "eval/suite.h"

#include <gtest/gtest.h>

#include <functional>

#include "io/file.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

std::filesystem::path write_suite(const std::string& name, const std::string& text) {
  std::filesystem::path path = test::scratch_dir() / name;
  io::write_file_atomic(path, text);
  return path;
}

// The message of the lethe::Error that read throws, or "" when it throws none.
std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The error of reading `text` as a QA suite, without the file's path.
std::string qa_error(const std::string& text) {
  std::filesystem::path path = write_suite("qa.jsonl", text);
  std::string message = error_of([&] { read_qa_suite(path); });
  EXPECT_EQ(message.rfind(path.string() + ":", 0), 0u) << message;  // the message starts with the path
  return message.substr(std::min(message.size(), path.string().size()));
}

TEST(SuiteReader, QaItemsWithAndWithoutOptionalFields) {
  std::filesystem::path path = write_suite(
      "qa.jsonl",
      R"({"id": "q1", "subject": "Mira Vell", "question": "Where was Mira born?", "answer": "In Oskar Bay.", )"
      R"("paraphrased_answer": "Oskar Bay", "perturbed_answers": ["Lunn", "Tarrow Hill"], )"
      R"("rephrased_question": "Mira's birthplace?"})"
      "\r\n\n   \n"  // CRLF and blank lines
      R"({"id": "q2", "question": "Who?", "answer": "Nobody", "source": "ignored"})"
      "\n");
  std::vector<QaItem> items = read_qa_suite(path);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "q1");
  EXPECT_EQ(items[0].subject, "Mira Vell");
  EXPECT_EQ(items[0].question, "Where was Mira born?");
  EXPECT_EQ(items[0].answer, "In Oskar Bay.");
  EXPECT_EQ(items[0].paraphrased_answer, "Oskar Bay");
  EXPECT_EQ(items[0].perturbed_answers, (std::vector<std::string>{"Lunn", "Tarrow Hill"}));
  EXPECT_EQ(items[0].rephrased_question, "Mira's birthplace?");
  EXPECT_EQ(items[1].id, "q2");
  EXPECT_EQ(items[1].subject, "");
  EXPECT_EQ(items[1].paraphrased_answer, "");
  EXPECT_TRUE(items[1].perturbed_answers.empty());
}

TEST(SuiteReader, OtherSchemas) {
  std::vector<CompletionPrompt> prompts = read_completion_prompts(write_suite(
      "completion.jsonl", R"({"id": "c1", "prompt": "Mira opened", "explicit": ["Oskar Bay"], "thematic": []})"));
  ASSERT_EQ(prompts.size(), 1u);
  EXPECT_EQ(prompts[0].prompt, "Mira opened");
  EXPECT_EQ(prompts[0].explicit_terms, (std::vector<std::string>{"Oskar Bay"}));
  EXPECT_TRUE(prompts[0].thematic_terms.empty());

  std::vector<ProbabilityPrompt> probability = read_probability_prompts(
      write_suite("probability.jsonl", R"({"id": "p1", "prompt": "Her sister was", "targets": [" Lunn", " Tess"]})"));
  ASSERT_EQ(probability.size(), 1u);
  EXPECT_EQ(probability[0].targets, (std::vector<std::string>{" Lunn", " Tess"}));

  std::vector<Passage> passages = read_passages(write_suite("passages.jsonl",
                                                            "\xEF\xBB\xBF"  // a byte-order mark is skipped
                                                            R"({"id": "f1", "text": "Chapter 1\nIt began."})"
                                                            "\n"
                                                            R"({"id": "f2", "text": "Zo\u00eb"})"));
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_EQ(passages[0].text, "Chapter 1\nIt began.");
  EXPECT_EQ(passages[1].text, "Zo\xC3\xAB");

  std::vector<MultipleChoiceItem> choices = read_multiple_choice(
      write_suite("mc.jsonl", R"({"id": "m1", "context": "", "choices": [" yes", " no"], "gold": 1})"));
  ASSERT_EQ(choices.size(), 1u);
  EXPECT_EQ(choices[0].context, "");
  EXPECT_EQ(choices[0].choices, (std::vector<std::string>{" yes", " no"}));
  EXPECT_EQ(choices[0].gold, 1u);
}

TEST(SuiteReader, ErrorsNameTheLine) {
  const std::string good = R"({"id": "q1", "question": "Q?", "answer": "A"})";
  EXPECT_EQ(qa_error(good + "\n\n{\"id\": \"q2\", \"question\": \"Q?\"}\n"), ":3: missing field \"answer\"");
  EXPECT_EQ(qa_error(good + "\n{\"id\": \"q2\", \"question\": \"Q?\", \"answer\": 7}"),
            ":2: field \"answer\" must be a string, not an integer");
  EXPECT_EQ(qa_error(R"({"id": "q1", "question": "Q?", "answer": ""})"), ":1: field \"answer\" is empty");
  EXPECT_EQ(qa_error(good + "\n" + good), ":2: id \"q1\" is already used on line 1");
  EXPECT_EQ(qa_error(good + "\n[1, 2]"), ":2: expected a JSON object, found an array");
  EXPECT_EQ(qa_error(R"({"id": "q1", "question": "Q?", "answer": "A", "perturbed_answers": []})"),
            ":1: field \"perturbed_answers\" is an empty array");
  EXPECT_EQ(qa_error(R"({"id": "q1", "question": "Q?", "answer": "A", "perturbed_answers": ["x", 3]})"),
            ":1: perturbed_answers[1] must be a string, not an integer");
  EXPECT_EQ(qa_error(R"({"id": "q1", "question": "Q?", "answer": "A", "paraphrased_answer": null})"),
            ":1: field \"paraphrased_answer\" must be a string, not null");
  EXPECT_EQ(qa_error("\n \n"), ": no records (an empty file?)");
}

TEST(SuiteReader, InvalidJsonNamesLineAndColumn) {
  std::string error = qa_error(R"({"id": "q1", "question": "Q?", "answer": "A"})" "\n{\"id\": \"q2\", question: 1}");
  EXPECT_EQ(error.rfind(":2:14: invalid JSON: syntax error while parsing object key", 0), 0u) << error;
  error = qa_error(R"({"id": "q1", "question": "Q?", "answer": "A"} trailing)");
  EXPECT_EQ(error.rfind(":1:", 0), 0u) << error;
  error = qa_error("{\"id\": \"q1\", \"question\": \"Q?\", \"answer\": \"\xff\"}");  // invalid UTF-8
  EXPECT_EQ(error.rfind(":1:", 0), 0u) << error;
}

TEST(SuiteReader, SchemaSpecificErrors) {
  auto completion_error = [](const std::string& text) {
    std::filesystem::path path = write_suite("completion.jsonl", text);
    return error_of([&] { read_completion_prompts(path); });
  };
  EXPECT_NE(completion_error(R"({"id": "c1", "prompt": "P", "explicit": [], "thematic": []})")
                .find(":1: no term to grade"),
            std::string::npos);
  EXPECT_NE(completion_error(R"({"id": "c1", "prompt": "P", "explicit": ["..."], "thematic": []})")
                .find(":1: explicit[0] \"...\" has no word in it"),
            std::string::npos);
  EXPECT_NE(completion_error(R"({"id": "c1", "prompt": "P", "explicit": "Mira", "thematic": []})")
                .find(":1: field \"explicit\" must be an array of strings, not a string"),
            std::string::npos);

  std::filesystem::path probability = write_suite("probability.jsonl", R"({"id": "p1", "prompt": "P", "targets": []})");
  EXPECT_NE(error_of([&] { read_probability_prompts(probability); }).find(":1: field \"targets\" is an empty array"),
            std::string::npos);

  std::filesystem::path passages = write_suite("passages.jsonl", R"({"id": "f1"})");
  EXPECT_NE(error_of([&] { read_passages(passages); }).find(":1: missing field \"text\""), std::string::npos);

  auto choice_error = [](const std::string& text) {
    std::filesystem::path path = write_suite("mc.jsonl", text);
    return error_of([&] { read_multiple_choice(path); });
  };
  EXPECT_NE(choice_error(R"({"id": "m", "context": "C", "choices": ["a", "b"], "gold": 2})")
                .find(":1: gold index 2 is out of range for 2 choices (0 to 1)"),
            std::string::npos);
  EXPECT_NE(choice_error(R"({"id": "m", "context": "C", "choices": ["a", "b"], "gold": -1})").find(":1: gold index -1"),
            std::string::npos);
  EXPECT_NE(choice_error(R"({"id": "m", "context": "C", "choices": ["a", "b"], "gold": 1.0})")
                .find(":1: field \"gold\" must be an integer, not a number"),
            std::string::npos);
  EXPECT_NE(choice_error(R"({"id": "m", "context": "C", "choices": ["a"], "gold": 0})")
                .find(":1: field \"choices\" has 1 choice(s); at least 2 are needed"),
            std::string::npos);
  EXPECT_NE(choice_error(R"({"id": "m", "context": "C", "choices": ["a", ""], "gold": 0})")
                .find(":1: choices[1] is empty"),
            std::string::npos);
}

TEST(SuiteReader, MissingFileIsNamed) {
  std::filesystem::path path = test::scratch_dir() / "absent.jsonl";
  EXPECT_NE(error_of([&] { read_passages(path); }).find(path.string()), std::string::npos);
}

}  // namespace
}  // namespace lethe::eval
