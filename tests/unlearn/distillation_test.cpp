// UNDO's two pieces: the shrink-and-perturb start (alpha 0 is the base bit for bit, alpha 1 the
// fresh initialisation of the same seed), the distillation loss against hand-computed KL
// divergences, and a student that learns its teacher's distributions.
#include "unlearn/distillation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/config.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

model::CausalLM tiny_model(uint64_t seed) {
  nlohmann::json j = {{"vocab_size", 40}, {"hidden_size", 32}, {"intermediate_size", 64},
                      {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                      {"max_position_embeddings", 64}, {"tie_word_embeddings", false}};
  model::CausalLM m(model::parse_model_config(j, "tiny"));
  model::initialize_parameters(m, seed, 0.3);
  return m;
}

TEST(ShrinkAndPerturb, AlphaZeroIsTheBaseAndOneTheFreshInitialisation) {
  auto base = tiny_model(1);
  auto untouched = tiny_model(1);
  shrink_and_perturb(untouched, 0.0, 7);
  auto fresh = tiny_model(1);
  shrink_and_perturb(fresh, 1.0, 7);
  auto reference = tiny_model(1);
  model::initialize_parameters(reference, 7, 0.02);
  auto half = tiny_model(1);
  shrink_and_perturb(half, 0.25, 7);
  auto base_parameters = base->named_parameters(), reference_parameters = reference->named_parameters();
  auto fresh_parameters = fresh->named_parameters(), half_parameters = half->named_parameters();
  for (const auto& p : untouched->named_parameters()) {
    const auto& name = p.key();
    EXPECT_TRUE(torch::equal(p.value(), base_parameters[name])) << name;
    EXPECT_TRUE(torch::equal(fresh_parameters[name], reference_parameters[name])) << name;
    auto expected = 0.75 * base_parameters[name] + 0.25 * reference_parameters[name];
    EXPECT_TRUE(torch::allclose(half_parameters[name], expected, 1e-6, 1e-7)) << name;
  }
  EXPECT_THROW(shrink_and_perturb(half, 1.5, 7), Error);
}

// Teacher logits [0, ln 2, ln 1.5]: p = [1, 2, 1.5] / 4.5. Student logits 0: p = 1/3 each.
TEST(DistillationLoss, ForwardKlOverTheVocabularyAndOverTheTeachersTopK) {
  auto teacher = torch::tensor({0.0, std::log(2.0), std::log(1.5)}).view({1, 1, 3});
  auto student = torch::zeros({1, 1, 3});
  const double p0 = 1 / 4.5, p1 = 2 / 4.5, p2 = 1.5 / 4.5;
  const double full = p0 * std::log(p0 * 3) + p1 * std::log(p1 * 3) + p2 * std::log(p2 * 3);
  EXPECT_NEAR(distillation_loss(student, teacher).item<double>(), full, 1e-6);
  // Top 2: tokens 1 and 2, renormalised to 4/7 and 3/7, against log(1/3) each.
  const double top2 = 4.0 / 7 * std::log(4.0 / 7 * 3) + 3.0 / 7 * std::log(3.0 / 7 * 3);
  EXPECT_NEAR(distillation_loss(student, teacher, 2).item<double>(), top2, 1e-6);
  EXPECT_NEAR(distillation_loss(teacher, teacher).item<double>(), 0.0, 1e-7);
  // Averaged over positions: a second position where student and teacher agree halves it.
  auto two_teacher = torch::cat({teacher, teacher}, 1), two_student = torch::cat({student, teacher}, 1);
  EXPECT_NEAR(distillation_loss(two_student, two_teacher).item<double>(), full / 2, 1e-6);
}

TEST(Distill, AFreshStudentLearnsItsTeachersDistributions) {
  auto teacher = tiny_model(3);
  teacher->eval();
  auto student = tiny_model(3);
  shrink_and_perturb(student, 1.0, 11);
  std::vector<int32_t> stream(2048);
  for (size_t i = 0; i < stream.size(); ++i) stream[i] = static_cast<int32_t>((i * 7 + i / 13) % 40);
  train::TokenBlocks blocks(stream, 16, 5);
  auto kl = [&] {
    torch::NoGradGuard no_grad;
    auto batch = blocks.batch(0, 16);
    return distillation_loss(student->forward(batch), teacher->forward(batch)).item<double>();
  };
  const double before = kl();
  train::TrainerOptions options;
  options.steps = 100;
  options.batch_size = 8;
  options.lr = 1e-2;
  options.warmup_steps = 0;
  options.eval_every = 0;
  options.show_progress = false;
  options.run_dir = test::scratch_dir() / "run";
  ASSERT_EQ(distill(student, teacher, blocks, 0, options), train::TrainStatus::finished);
  EXPECT_LT(kl(), 0.5 * before) << "before " << before;
  EXPECT_DOUBLE_EQ(training_flops(1000, 30), 180000.0);
}

}  // namespace
}  // namespace lethe::unlearn
