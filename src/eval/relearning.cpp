#include "eval/relearning.h"

#include <fmt/core.h>

#include <algorithm>

#include "dist/round_robin.h"
#include "dist/world.h"
#include "eval/text_match.h"
#include "train/trainer.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

// A float32 copy of the model on its device, to train without touching the original. A model
// under the decoding-time rule keeps it: the attacker fine-tunes the base and the rule still applies.
model::CausalLM trainable_copy(model::CausalLM& source) {
  model::CausalLM copy(source->config());
  auto device = source->output_weight().device();
  copy->to(device, torch::kFloat);
  torch::NoGradGuard no_grad;
  auto from = source->named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(from[p.key()]);
  if (source->reinforced()) copy->attach_reinforced(source->reinforced(), source->rule_alpha());
  return copy;
}

}  // namespace

std::vector<QaItem> questions_unanswered_by(const std::string& text, const std::vector<QaItem>& questions) {
  const std::string words = " " + normalize_answer(text) + " ";
  std::vector<QaItem> unanswered;
  for (const auto& q : questions)
    if (words.find(" " + normalize_answer(q.answer) + " ") == std::string::npos) unanswered.push_back(q);
  return unanswered;
}

std::vector<double> relearning_curve(model::CausalLM& model, const tokenizer::Tokenizer& tok,
                                     const std::vector<int32_t>& stream, const std::vector<QaItem>& questions,
                                     double lr, const std::vector<int64_t>& at_steps, const RelearningOptions& o) {
  if (at_steps.empty() || at_steps.front() < 1 || !std::is_sorted(at_steps.begin(), at_steps.end()))
    throw Error("relearning attack: the steps to measure at must be ascending and at least 1");
  train::TrainerOptions t;
  t.steps = at_steps.back();
  t.batch_size = o.batch_size;
  t.lr = lr;
  t.min_lr_ratio = 1.0;  // a constant rate: the attacker's simplest fine-tune
  t.weight_decay = 0.0;
  t.eval_every = 0;
  t.log_every = t.steps;
  t.checkpoint_every = t.steps;
  t.run_dir = o.scratch_dir;
  t.show_progress = false;
  // The probe runs before the first step and after every step: QA only where the curve is measured.
  std::vector<double> curve;
  int64_t step = 0;
  t.probe_every = 1;
  t.probe = [&](model::CausalLM& attacked) {
    const bool wanted = std::binary_search(at_steps.begin(), at_steps.end(), step++);
    if (wanted) curve.push_back(knowledge_qa(attacked, tok, questions, o.qa).exact_match);
    return nlohmann::json::object();
  };
  std::filesystem::remove_all(o.scratch_dir);
  train::TokenBlocks blocks(stream, o.block_length, o.seed);
  dist::ThisProcessAlone alone;  // the attack and its probes: this process's own fine-tune
  train::Trainer(trainable_copy(model), t).run(blocks);
  std::filesystem::remove_all(o.scratch_dir);
  return curve;
}

RelearningResult relearning_attack(model::CausalLM& model, const tokenizer::Tokenizer& tok, const std::string& slice_text,
                                   const std::vector<QaItem>& questions, const RelearningOptions& o) {
  auto stream = tok.encode(slice_text, /*add_special=*/true);
  if (static_cast<int64_t>(stream.size()) <= o.block_length)
    throw Error(fmt::format("relearning attack: the slice has {} tokens, fewer than one block of {}", stream.size(),
                            o.block_length));
  auto unseen = questions_unanswered_by(slice_text, questions);
  if (unseen.empty()) throw Error("relearning attack: every answer is in the slice");
  RelearningResult result;
  result.slice_tokens = static_cast<int64_t>(stream.size());
  result.questions = static_cast<int64_t>(unseen.size());
  result.exact_match_before = knowledge_qa(model, tok, unseen, o.qa).exact_match;
  // One task of the processes (dist/round_robin.h): the first process attacks, the others wait.
  RelearningOptions attack = o;
  attack.scratch_dir = o.scratch_dir / "run-0";
  result.exact_match_after = dist::round_robin(1, [&](int64_t) {
                               return nlohmann::json(relearning_curve(model, tok, stream, unseen, o.lr, {o.steps}, attack).back());
                             })[0].get<double>();
  std::error_code ignored;  // another process may have removed it first
  std::filesystem::remove_all(o.scratch_dir, ignored);
  return result;
}

}  // namespace lethe::eval
