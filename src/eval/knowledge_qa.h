#pragma once
// Knowledge QA: the model answers each question greedily in the suite's format
// ("Question: ...\nAnswer:"), up to the end of the line; scored by SQuAD exact match and ROUGE-L
// recall against the reference answer.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eval/suite.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

struct QaOptions {
  int64_t batch_size = 32;
  int64_t max_new_tokens = 24;
  bool rephrased = false;  // ask the rephrased question instead (items without one are skipped)
};

struct QaAnswer {
  std::string id;
  std::string generated;  // the model's answer, cut at the end of its line
  bool exact = false;
  double rouge_recall = 0.0;
};

struct QaReport {
  std::vector<QaAnswer> answers;
  double exact_match = 0.0;   // fraction of items
  double rouge_recall = 0.0;  // mean over items
};

std::string qa_prompt(const std::string& question);

// on_progress(items newly answered) after every batch.
QaReport knowledge_qa(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer, const std::vector<QaItem>& items,
                      const QaOptions& options, const std::function<void(int64_t)>& on_progress = {});

}  // namespace lethe::eval
