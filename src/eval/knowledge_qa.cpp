#include "eval/knowledge_qa.h"

#include "eval/rouge.h"
#include "eval/text_match.h"
#include "model/generate.h"

namespace lethe::eval {
namespace {

// Token ids that decode to text containing a newline: an answer ends at the first of them.
std::vector<int64_t> newline_ids(const tokenizer::Tokenizer& tok) {
  std::vector<int64_t> out;
  for (int32_t id : tok.encode("a\nb", /*add_special=*/false))
    if (tok.decode({id}, /*skip_special=*/true).find('\n') != std::string::npos) out.push_back(id);
  return out;
}

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

  model::GenerateOptions generation;
  generation.max_new_tokens = options.max_new_tokens;
  generation.stop_ids = newline_ids(tok);
  if (tok.eos_id) generation.stop_ids.push_back(*tok.eos_id);

  QaReport report;
  for (size_t begin = 0; begin < asked.size(); begin += options.batch_size) {
    size_t end = std::min(asked.size(), begin + static_cast<size_t>(options.batch_size));
    std::vector<std::vector<int32_t>> prompts;
    for (size_t i = begin; i < end; ++i) {
      const auto& q = options.rephrased ? asked[i]->rephrased_question : asked[i]->question;
      prompts.push_back(tok.encode(qa_prompt(q), /*add_special=*/true));
    }
    auto outputs = model::generate(model, prompts, generation);
    for (size_t i = begin; i < end; ++i) {
      QaAnswer a;
      a.id = asked[i]->id;
      a.generated = first_line(tok.decode(outputs[i - begin], /*skip_special=*/true));
      a.exact = exact_match(a.generated, asked[i]->answer);
      a.rouge_recall = rouge_l(a.generated, asked[i]->answer).recall;
      report.exact_match += a.exact;
      report.rouge_recall += a.rouge_recall;
      report.answers.push_back(std::move(a));
    }
    if (on_progress) on_progress(static_cast<int64_t>(end - begin));
  }
  if (!report.answers.empty()) {
    report.exact_match /= report.answers.size();
    report.rouge_recall /= report.answers.size();
  }
  return report;
}

}  // namespace lethe::eval
