#include "eval/knowledge_qa.h"

#include "eval/completions.h"
#include "eval/rouge.h"
#include "eval/text_match.h"

namespace lethe::eval {
namespace {

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  size_t begin = line.find_first_not_of(' ');
  size_t end = line.find_last_not_of(' ');
  return begin == std::string::npos ? "" : line.substr(begin, end - begin + 1);
}

}  // namespace

std::string qa_prompt(const std::string& question) { return "Question: " + question + "\nAnswer:"; }

QaReport knowledge_qa(model::CausalLM& model, const tokenizer::Tokenizer& tok, const std::vector<QaItem>& items,
                      const QaOptions& options, const std::function<void(int64_t)>& on_progress) {
  std::vector<const QaItem*> asked;
  for (const auto& item : items)
    if (!options.rephrased || !item.rephrased_question.empty()) asked.push_back(&item);

  std::vector<std::string> prompts;
  for (const QaItem* item : asked) prompts.push_back(qa_prompt(options.rephrased ? item->rephrased_question : item->question));
  CompletionOptions generation{options.batch_size, options.max_new_tokens, /*stop_at_newline=*/true};
  auto completions = greedy_completions(model, tok, prompts, generation, on_progress);

  QaReport report;
  for (size_t i = 0; i < asked.size(); ++i) {
    QaAnswer a;
    a.id = asked[i]->id;
    a.generated = first_line(completions[i]);
    a.exact = exact_match(a.generated, asked[i]->answer);
    a.rouge_recall = rouge_l(a.generated, asked[i]->answer).recall;
    report.exact_match += a.exact;
    report.rouge_recall += a.rouge_recall;
    report.answers.push_back(std::move(a));
  }
  if (!report.answers.empty()) {
    report.exact_match /= report.answers.size();
    report.rouge_recall /= report.answers.size();
  }
  return report;
}

}  // namespace lethe::eval
