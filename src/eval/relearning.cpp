#include "eval/relearning.h"

#include <fmt/core.h>

#include "eval/text_match.h"
#include "train/trainer.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

// A float32 copy of the model on its device, to train without touching the original.
model::CausalLM trainable_copy(model::CausalLM& source) {
  model::CausalLM copy(source->config());
  auto device = source->output_weight().device();
  copy->to(device, torch::kFloat);
  torch::NoGradGuard no_grad;
  auto from = source->named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(from[p.key()]);
  return copy;
}

}  // namespace

RelearningResult relearning_attack(model::CausalLM& model, const tokenizer::Tokenizer& tok, const std::string& slice_text,
                                   const std::vector<QaItem>& questions, const RelearningOptions& o) {
  auto stream = tok.encode(slice_text, /*add_special=*/true);
  if (static_cast<int64_t>(stream.size()) <= o.block_length)
    throw Error(fmt::format("relearning attack: the slice has {} tokens, fewer than one block of {}", stream.size(),
                            o.block_length));
  std::string slice_words = " " + normalize_answer(slice_text) + " ";
  std::vector<QaItem> unseen;
  for (const auto& q : questions)
    if (slice_words.find(" " + normalize_answer(q.answer) + " ") == std::string::npos) unseen.push_back(q);
  if (unseen.empty()) throw Error("relearning attack: every answer is in the slice");

  RelearningResult result;
  result.slice_tokens = static_cast<int64_t>(stream.size());
  result.questions = static_cast<int64_t>(unseen.size());
  result.exact_match_before = knowledge_qa(model, tok, unseen, o.qa).exact_match;

  train::TrainerOptions t;
  t.steps = o.steps;
  t.batch_size = o.batch_size;
  t.lr = o.lr;
  t.min_lr_ratio = 1.0;  // a constant rate: the attacker's simplest fine-tune
  t.weight_decay = 0.0;
  t.eval_every = 0;
  t.log_every = o.steps;
  t.checkpoint_every = o.steps;
  t.run_dir = o.scratch_dir;
  t.show_progress = false;
  std::filesystem::remove_all(o.scratch_dir);
  auto attacked = trainable_copy(model);
  train::TokenBlocks blocks(stream, o.block_length, o.seed);
  train::Trainer(attacked, t).run(blocks);
  std::filesystem::remove_all(o.scratch_dir);
  attacked->eval();
  result.exact_match_after = knowledge_qa(attacked, tok, unseen, o.qa).exact_match;
  return result;
}

}  // namespace lethe::eval
