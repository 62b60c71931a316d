// The training loop on a tiny model: the schedule's values, the data order, a falling loss, a
// resume that ends bit-identical to an uninterrupted run, and checkpoints that are never half-read.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "io/file.h"
#include "test_util.h"
#include "train/trainer.h"
#include "util/error.h"

namespace lethe::train {
namespace {

model::ModelConfig tiny_config() {
  nlohmann::json j = {{"vocab_size", 32}, {"hidden_size", 32}, {"intermediate_size", 64},
                      {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                      {"tie_word_embeddings", true}};
  return model::parse_model_config(j, "tiny");
}

model::CausalLM tiny_model() {
  torch::manual_seed(7);
  return model::CausalLM(tiny_config());
}

// A learnable stream: each token is determined by the two before it.
std::vector<int32_t> patterned_stream(int64_t n) {
  std::vector<int32_t> s = {1, 2};
  while (static_cast<int64_t>(s.size()) < n) s.push_back((s[s.size() - 1] * 3 + s[s.size() - 2] + 1) % 32);
  return s;
}

TrainerOptions tiny_options(const std::filesystem::path& dir, int64_t steps) {
  TrainerOptions o;
  o.steps = steps;
  o.batch_size = 4;
  o.accumulation = 2;
  o.lr = 3e-3;
  o.warmup_steps = 3;
  o.log_every = 5;
  o.eval_every = 10;
  o.checkpoint_every = 1000;
  o.run_dir = dir;
  o.show_progress = false;
  return o;
}

TEST(Schedule, WarmsUpLinearlyThenDecaysByCosine) {
  Schedule s{1.0, 0.1, 4, 14};
  EXPECT_DOUBLE_EQ(s.lr_at(0), 0.25);
  EXPECT_DOUBLE_EQ(s.lr_at(3), 1.0);
  EXPECT_DOUBLE_EQ(s.lr_at(4), 1.0);                                  // decay starts at the peak
  EXPECT_NEAR(s.lr_at(9), 0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * 0.5)), 1e-12);  // halfway: 0.55
  EXPECT_DOUBLE_EQ(s.lr_at(14), 0.1);
  EXPECT_DOUBLE_EQ(s.lr_at(100), 0.1);
}

TEST(TokenBlocks, EachEpochVisitsEveryBlockOnceInASeededOrder) {
  std::vector<int32_t> stream(10 * 8 + 5);  // 10 blocks of 8, the tail dropped
  std::iota(stream.begin(), stream.end(), 0);
  TokenBlocks blocks(stream, 8, 42);
  EXPECT_EQ(blocks.block_count(), 10);
  std::set<int64_t> firsts;
  for (int64_t i = 0; i < 5; ++i) {
    auto batch = blocks.batch(i, 2);  // (2,8)
    for (int64_t b = 0; b < 2; ++b) {
      EXPECT_EQ(batch[b][0].item<int64_t>() % 8, 0);  // whole blocks, from their start
      firsts.insert(batch[b][0].item<int64_t>());
    }
  }
  EXPECT_EQ(firsts.size(), 10u);  // one epoch: every block once
  TokenBlocks same(stream, 8, 42), other(stream, 8, 43);
  EXPECT_TRUE(torch::equal(blocks.batch(7, 3), same.batch(7, 3)));
  bool differs = false;
  for (int64_t i = 0; i < 5; ++i) differs |= !torch::equal(blocks.batch(i, 2), other.batch(i, 2));
  EXPECT_TRUE(differs);
  EXPECT_THROW(TokenBlocks(patterned_stream(5), 8, 1), Error);
}

TEST(Trainer, LossFallsAndMetricsAreLogged) {
  auto dir = test::scratch_dir();
  TokenBlocks train(patterned_stream(4000), 16, 1), eval(patterned_stream(600), 16, 2);
  Trainer trainer(tiny_model(), tiny_options(dir, 60));
  double before = trainer.evaluate(eval);
  EXPECT_EQ(trainer.run(train, &eval), TrainStatus::finished);
  double after = trainer.evaluate(eval);
  EXPECT_LT(after, 0.5 * before) << before << " -> " << after;

  std::istringstream lines(io::read_file(dir / "metrics.jsonl"));
  std::string line;
  int records = 0, evals = 0;
  while (std::getline(lines, line)) {
    auto r = nlohmann::json::parse(line);
    ++records;
    for (const char* key : {"step", "loss", "lr", "grad_norm", "tokens_per_second", "mfu"})
      EXPECT_TRUE(r.contains(key)) << key;
    evals += r.contains("eval_loss");
  }
  EXPECT_EQ(records, 12);  // every 5 steps
  EXPECT_EQ(evals, 6);     // every 10 steps
}

// Sharpness-aware steps still learn, and take another path than plain ones.
TEST(Trainer, SharpnessAwareStepsLearnAlongAnotherPath) {
  TokenBlocks train(patterned_stream(4000), 16, 1), eval(patterned_stream(600), 16, 2);
  auto plain_model = tiny_model(), sam_model = tiny_model();
  Trainer plain(plain_model, tiny_options(test::scratch_dir() / "plain", 40));
  auto options = tiny_options(test::scratch_dir() / "sam", 40);
  options.sam_rho = 0.05;
  Trainer sam(sam_model, options);
  const double before = sam.evaluate(eval);
  ASSERT_EQ(plain.run(train), TrainStatus::finished);
  ASSERT_EQ(sam.run(train), TrainStatus::finished);
  EXPECT_LT(sam.evaluate(eval), 0.6 * before);
  EXPECT_FALSE(torch::allclose(plain_model->output_weight(), sam_model->output_weight()));
}

TEST(Trainer, ResumeAfterInterruptIsBitExact) {
  TokenBlocks train(patterned_stream(3000), 16, 5);
  auto straight_dir = test::scratch_dir() / "straight";
  Trainer straight(tiny_model(), tiny_options(straight_dir, 20));
  straight.run(train);

  // Interrupted after 9 steps (the request is seen before step 10 starts), then resumed in a new
  // process-like setting: a fresh model and trainer on the same run directory.
  auto resumed_dir = test::scratch_dir() / "resumed";
  int calls = 0;
  auto counting_loss = [&](model::CausalLM& m, const torch::Tensor& blocks, int64_t) {
    if (++calls == 9 * 2) request_interrupt();  // 2 micro-batches per step
    return next_token_loss_function(m, blocks);
  };
  Trainer first(tiny_model(), tiny_options(resumed_dir, 20), counting_loss);
  EXPECT_EQ(first.run(train), TrainStatus::interrupted);
  clear_interrupt();
  EXPECT_EQ(first.step(), 9);

  auto model = tiny_model();
  Trainer second(model, tiny_options(resumed_dir, 20));
  EXPECT_EQ(second.run(train), TrainStatus::finished);
  EXPECT_EQ(second.step(), 20);

  // Every parameter of the two final models, bit for bit.
  model::CausalLM reference = tiny_model();
  Trainer reload(reference, tiny_options(straight_dir, 20));
  reload.run(train);  // already finished: loads the checkpoint and returns
  for (const auto& p : model->named_parameters())
    EXPECT_TRUE(torch::equal(p.value(), reference->named_parameters()[p.key()])) << p.key();

  // The metrics log holds each step once, in order, across the interruption.
  std::istringstream lines(io::read_file(resumed_dir / "metrics.jsonl"));
  std::string line;
  std::vector<int64_t> steps;
  while (std::getline(lines, line)) steps.push_back(nlohmann::json::parse(line)["step"]);
  EXPECT_EQ(steps, (std::vector<int64_t>{5, 10, 15, 20}));
}

TEST(Trainer, ProbesAreLoggedBeforeTheFirstStepEveryNStepsAndAtTheEnd) {
  auto dir = test::scratch_dir();
  TokenBlocks train(patterned_stream(3000), 16, 5);
  auto options = tiny_options(dir, 25);
  options.probe_every = 10;
  int calls = 0;
  options.probe = [&](model::CausalLM& m) {
    EXPECT_FALSE(m->is_training());
    EXPECT_FALSE(torch::GradMode::is_enabled());
    return nlohmann::json{{"call", ++calls}};
  };
  Trainer trainer(tiny_model(), options);
  EXPECT_EQ(trainer.run(train), TrainStatus::finished);
  std::istringstream lines(io::read_file(dir / "metrics.jsonl"));
  std::string line;
  std::vector<int64_t> probe_steps, calls_logged;
  while (std::getline(lines, line)) {
    auto r = nlohmann::json::parse(line);
    if (!r.contains("eval")) continue;
    probe_steps.push_back(r["step"]);
    calls_logged.push_back(r["eval"]["call"]);
  }
  EXPECT_EQ(probe_steps, (std::vector<int64_t>{0, 10, 20, 25}));
  EXPECT_EQ(calls_logged, (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(Trainer, CheckpointIsNeverHalfRead) {
  auto dir = test::scratch_dir();
  TokenBlocks train(patterned_stream(2000), 16, 3);
  Trainer trainer(tiny_model(), tiny_options(dir, 4));
  trainer.run(train);
  std::string good = io::read_file(trainer.checkpoint_path());

  // A writer killed mid-write leaves only its temporary file: the checkpoint is the old one.
  io::write_file_atomic(dir / ".checkpoint.pt.tmp-killed", good.substr(0, good.size() / 2));
  Trainer resumed(tiny_model(), tiny_options(dir, 4));
  EXPECT_EQ(resumed.run(train), TrainStatus::finished);
  EXPECT_EQ(resumed.step(), 4);

  // A checkpoint damaged by something else is refused with its path, never half-loaded.
  io::write_file_atomic(trainer.checkpoint_path(), good.substr(0, good.size() / 2));
  Trainer damaged(tiny_model(), tiny_options(dir, 8));
  try {
    damaged.run(train);
    FAIL() << "a truncated checkpoint was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint.pt"), std::string::npos) << e.what();
  }
}

// A NaN loss stops the run at once, naming the step; the last checkpoint stays as it was.
TEST(Trainer, ANanLossStopsTheRunNamingTheStep) {
  auto dir = test::scratch_dir();
  TokenBlocks train(patterned_stream(2000), 16, 3);
  auto options = tiny_options(dir, 10);
  options.checkpoint_every = 2;
  int calls = 0;
  auto poisoned = [&](model::CausalLM& m, const torch::Tensor& blocks, int64_t) {
    auto loss = next_token_loss_function(m, blocks);
    return ++calls > 6 ? loss * std::numeric_limits<float>::quiet_NaN() : loss;  // from step 4 on
  };
  Trainer trainer(tiny_model(), options, poisoned);
  try {
    trainer.run(train);
    FAIL() << "a NaN loss was trained on";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("step 4: the loss is nan"), std::string::npos) << e.what();
  }
  auto model = tiny_model();  // a module holder: the trainer shares its parameters
  Trainer resumed(model, tiny_options(dir, 10));
  resumed.run(train);  // continues from the checkpoint of step 2, not from poisoned weights
  EXPECT_EQ(resumed.step(), 10);
  for (const auto& p : model->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

// Settings outside their range are refused when the trainer is made, not by a division by zero.
TEST(Trainer, RefusesSettingsOutsideTheirRange) {
  auto dir = test::scratch_dir();
  for (auto edit : std::vector<std::function<void(TrainerOptions&)>>{
           [](TrainerOptions& o) { o.log_every = 0; }, [](TrainerOptions& o) { o.checkpoint_every = 0; },
           [](TrainerOptions& o) { o.lr = std::nan(""); }, [](TrainerOptions& o) { o.min_lr_ratio = 1.5; },
           [](TrainerOptions& o) { o.eval_every = -1; }}) {
    auto options = tiny_options(dir, 4);
    edit(options);
    EXPECT_THROW(Trainer(tiny_model(), options), Error);
  }
}

}  // namespace
}  // namespace lethe::train
