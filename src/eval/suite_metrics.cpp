#include "eval/suite_metrics.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "eval/completions.h"
#include "eval/knowledge_qa.h"
#include "eval/mean.h"
#include "eval/membership.h"
#include "eval/multiple_choice.h"
#include "eval/rouge.h"
#include "eval/token_scores.h"
#include "eval/truth_ratio.h"

namespace lethe::eval {
namespace {

std::vector<int32_t> with_bos(const tokenizer::Tokenizer& tok, std::vector<int32_t> ids) {
  if (tok.bos_id) ids.insert(ids.begin(), *tok.bos_id);
  return ids;
}

// A target, answer or choice continues its prompt after one space, unless it starts with whitespace
// itself (lm-evaluation-harness's target delimiter) or there is no prompt.
std::string delimiter(const std::string& prompt, const std::string& text) {
  bool spaced = !text.empty() && (text[0] == ' ' || text[0] == '\n');
  return prompt.empty() || spaced ? "" : " ";
}

std::string continued(const std::string& prompt, const std::string& text) { return delimiter(prompt, text) + text; }

std::function<void(int64_t)> counting(const ProgressCallback& on_progress, size_t total) {
  return [on_progress, total](int64_t n) {
    if (on_progress) on_progress(n, static_cast<int64_t>(total));
  };
}

std::vector<TokenScores> score(model::CausalLM& model, const std::vector<ScoreRequest>& requests,
                               const MetricOptions& options, bool distribution_stats,
                               const ProgressCallback& on_progress) {
  return score_continuations(model, requests, {options.batch_size, distribution_stats},
                             counting(on_progress, requests.size()));
}

}  // namespace

CompletionFamiliarity completion_familiarity(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                             const std::vector<CompletionPrompt>& prompts,
                                             const MetricOptions& options, const ProgressCallback& on_progress) {
  std::vector<std::string> texts;
  for (const auto& p : prompts) texts.push_back(p.prompt);
  CompletionFamiliarity out;
  out.completions =
      greedy_completions(model, tok, texts, {options.batch_size, options.completion_tokens, false},
                         counting(on_progress, texts.size()));
  for (size_t i = 0; i < prompts.size(); ++i) {
    auto grade = familiarity_grade(prompts[i].prompt, out.completions[i], prompts[i].explicit_terms,
                                   prompts[i].thematic_terms);
    out.explicit_count += grade.grade == 3;
    out.thematic_count += grade.grade == 2;
    out.grades.push_back(std::move(grade));
  }
  out.score = familiarity_score(out.grades);
  return out;
}

double probability_familiarity(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                               const std::vector<ProbabilityPrompt>& prompts, const MetricOptions& options,
                               const ProgressCallback& on_progress) {
  // One request per distinct first target token of a prompt, continued by that token alone.
  std::vector<ScoreRequest> requests;
  std::vector<size_t> owner;  // the prompt of each request
  for (size_t i = 0; i < prompts.size(); ++i) {
    std::set<int32_t> first_tokens;
    for (const auto& target : prompts[i].targets) {
      auto request = continuation_request(tok, prompts[i].prompt, continued(prompts[i].prompt, target));
      if (request.continuation.empty() || !first_tokens.insert(request.continuation.front()).second) continue;
      request.continuation.resize(1);
      requests.push_back(std::move(request));
      owner.push_back(i);
    }
  }
  auto scores = score(model, requests, options, false, on_progress);
  std::vector<double> mass(prompts.size(), 0.0);
  for (size_t r = 0; r < requests.size(); ++r) mass[owner[r]] += std::exp(scores[r].log_probs.front());
  return mean_or_zero(mass);
}

VerbatimMemorisation verbatim_memorisation(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                           const std::vector<Passage>& passages, const MetricOptions& options,
                                           const ProgressCallback& on_progress) {
  std::vector<std::vector<int32_t>> prompts;
  std::vector<std::string> references;
  for (const auto& passage : passages) {
    auto ids = tok.encode(passage.text, /*add_special=*/false);
    if (static_cast<int64_t>(ids.size()) < options.verbatim_prefix + options.verbatim_length) continue;
    auto split = ids.begin() + options.verbatim_prefix;
    prompts.push_back(with_bos(tok, {ids.begin(), split}));
    references.push_back(tok.decode({split, split + options.verbatim_length}, /*skip_special=*/true));
  }
  CompletionOptions generation{options.batch_size, options.verbatim_length, false};
  auto continuations = greedy_token_completions(model, tok, prompts, generation, counting(on_progress, prompts.size()));
  std::vector<double> f1;
  for (size_t i = 0; i < prompts.size(); ++i)
    f1.push_back(rouge_l(tok.decode(continuations[i], /*skip_special=*/true), references[i]).f1);
  return {mean_or_zero(f1), static_cast<int64_t>(f1.size())};
}

MembershipScores membership_scores(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                   const std::vector<Passage>& passages, const MetricOptions& options,
                                   const ProgressCallback& on_progress) {
  std::vector<ScoreRequest> requests;
  for (const auto& passage : passages) {
    auto ids = with_bos(tok, tok.encode(passage.text, /*add_special=*/false));
    requests.push_back({{ids.front()}, {ids.begin() + 1, ids.end()}});
  }
  auto scores = score(model, requests, options, /*distribution_stats=*/true, on_progress);
  MembershipScores out;
  for (size_t i = 0; i < passages.size(); ++i) {
    const auto& s = scores[i];
    out.neg_loss.push_back(-loss_score(s.log_probs));
    out.neg_zlib.push_back(-zlib_ratio(s.log_probs, passages[i].text));
    out.min_k.push_back(min_k_percent(s.log_probs, options.min_k_fraction));
    out.min_k_plus_plus.push_back(min_k_percent_plus_plus(s.log_probs, s.means, s.stds, options.min_k_fraction));
  }
  return out;
}

AnswerLikelihoods answer_likelihoods(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                     const std::vector<QaItem>& items, const MetricOptions& options,
                                     const ProgressCallback& on_progress) {
  // Requests per item: the answer, then (with a truth ratio) the paraphrase and each perturbed answer.
  std::vector<ScoreRequest> requests;
  for (const auto& item : items) {
    std::string prompt = qa_prompt(item.question);
    requests.push_back(continuation_request(tok, prompt, continued(prompt, item.answer)));
    if (item.paraphrased_answer.empty() || item.perturbed_answers.empty()) continue;
    requests.push_back(continuation_request(tok, prompt, continued(prompt, item.paraphrased_answer)));
    for (const auto& wrong : item.perturbed_answers) requests.push_back(continuation_request(tok, prompt, continued(prompt, wrong)));
  }
  auto scores = score(model, requests, options, false, on_progress);
  AnswerLikelihoods out;
  size_t r = 0;
  for (const auto& item : items) {
    out.answer_mean_log_probs.push_back(mean_log_prob(scores[r++].log_probs));
    if (item.paraphrased_answer.empty() || item.perturbed_answers.empty()) continue;
    double paraphrased = mean_log_prob(scores[r++].log_probs);
    std::vector<double> perturbed;
    for (size_t j = 0; j < item.perturbed_answers.size(); ++j) perturbed.push_back(mean_log_prob(scores[r++].log_probs));
    out.truth_ratios.push_back(truth_ratio(paraphrased, perturbed));
  }
  return out;
}

MultipleChoiceAccuracy multiple_choice(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                       const std::vector<MultipleChoiceItem>& items, bool add_bos,
                                       const MetricOptions& options, const ProgressCallback& on_progress) {
  const int64_t max_length = model->config().max_position_embeddings;
  std::vector<ScoreRequest> requests;
  for (const auto& item : items) {
    for (const auto& choice : item.choices) {
      bool multiple_inputs = !item.continuation.empty();
      const std::string& context = multiple_inputs ? choice : item.context;
      const std::string& next = multiple_inputs ? item.continuation : choice;
      std::string between = item.target_delimiter.value_or(delimiter(context, next));
      requests.push_back(harness_request(tok, context, between + next, add_bos, max_length));
    }
  }
  auto scores = score(model, requests, options, false, on_progress);
  std::vector<ChoiceScores> graded;
  size_t r = 0;
  for (const auto& item : items) {
    std::vector<double> log_likelihoods;
    for (size_t c = 0; c < item.choices.size(); ++c) {
      double sum = 0;
      for (double lp : scores[r++].log_probs) sum += lp;
      log_likelihoods.push_back(sum);
    }
    graded.push_back(choice_scores(item.choices, std::move(log_likelihoods), item.gold));
  }
  return multiple_choice_accuracy(graded);
}

}  // namespace lethe::eval
