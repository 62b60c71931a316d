#pragma once
// One model measured on a suite's items, metric by metric (definitions in docs/suites.md and
// ../shared/docs/evaluation.md). Each function runs batched forward passes or batched greedy
// generation and returns per-item values with their summary, so that reports can compare models.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eval/familiarity.h"
#include "eval/multiple_choice.h"
#include "eval/suite.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

// on_progress(units newly done, units in all): units are prompts, passages or scored sequences.
using ProgressCallback = std::function<void(int64_t, int64_t)>;

struct MetricOptions {
  int64_t batch_size = 32;
  int64_t completion_tokens = 32;  // completion familiarity: greedy tokens per prompt
  int64_t verbatim_prefix = 32;    // verbatim memorisation: prompt tokens of a passage
  int64_t verbatim_length = 32;    // ... and tokens compared after them
  double min_k_fraction = 0.2;     // Min-K% and Min-K%++
};

struct CompletionFamiliarity {
  double score = 0.0;  // (5 #grade-3 + #grade-2) / N
  int64_t explicit_count = 0, thematic_count = 0;
  std::vector<std::string> completions;
  std::vector<FamiliarityGrade> grades;
};
CompletionFamiliarity completion_familiarity(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                             const std::vector<CompletionPrompt>& prompts,
                                             const MetricOptions& options, const ProgressCallback& on_progress = {});

// The mean over prompts of the probability mass on the targets' first tokens at the next position.
double probability_familiarity(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                               const std::vector<ProbabilityPrompt>& prompts, const MetricOptions& options,
                               const ProgressCallback& on_progress = {});

// MUSE's VerbMem: the mean ROUGE-L F1 between the greedy continuation of each passage's first
// verbatim_prefix tokens and its true next verbatim_length tokens. Passages too short are skipped.
struct VerbatimMemorisation {
  double rouge_l_f1 = 0.0;
  int64_t passages = 0;
};
VerbatimMemorisation verbatim_memorisation(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                           const std::vector<Passage>& passages, const MetricOptions& options,
                                           const ProgressCallback& on_progress = {});

// Membership-inference scores of each passage, oriented so that higher means "member".
struct MembershipScores {
  std::vector<double> neg_loss, neg_zlib, min_k, min_k_plus_plus;
};
MembershipScores membership_scores(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                   const std::vector<Passage>& passages, const MetricOptions& options,
                                   const ProgressCallback& on_progress = {});

// Per QA item with a paraphrased and perturbed answers: TOFU's truth ratio; for every item, the
// mean token log-probability of its answer after the question.
struct AnswerLikelihoods {
  std::vector<double> answer_mean_log_probs;
  std::vector<double> truth_ratios;
};
AnswerLikelihoods answer_likelihoods(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                     const std::vector<QaItem>& items, const MetricOptions& options,
                                     const ProgressCallback& on_progress = {});

// acc, acc_norm and acc_bytes (multiple_choice.h), each choice scored as lm-evaluation-harness
// scores it (harness_request in token_scores.h): add_bos = true for lethe's own suites, false for
// the harness's tasks unless the harness would be told add_bos_token=True.
MultipleChoiceAccuracy multiple_choice(model::CausalLM& model, const tokenizer::Tokenizer& tokenizer,
                                       const std::vector<MultipleChoiceItem>& items, bool add_bos,
                                       const MetricOptions& options, const ProgressCallback& on_progress = {});

}  // namespace lethe::eval
