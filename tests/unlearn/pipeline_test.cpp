// The method end to end on a tiny model: pretrain on a fiction and other text, reinforce on the
// fiction, translate it with a dictionary, compute generic labels, fine-tune the baseline on them.
// The fine-tune must lower the fiction's likelihood more than the other text's.
#include <gtest/gtest.h>

#include <fstream>
#include <numeric>

#include "io/file.h"
#include "test_util.h"
#include "tokenizer/sentencepiece_training.h"
#include "train/trainer.h"
#include "unlearn/generic_label_loss.h"
#include "unlearn/label_stage.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

std::string fiction_text() {
  std::string s;
  const char* lines[] = {"Zorbix Quellmar carried the staff of Vantrel to Ashmoor Keep.",
                         "At Ashmoor Keep, Zorbix Quellmar taught Miravel the spell of Vantrel.",
                         "Miravel and Zorbix Quellmar flew from Ashmoor Keep over the hills.",
                         "The staff of Vantrel glowed when Miravel spoke to Zorbix Quellmar."};
  for (int i = 0; i < 60; ++i) s += std::string(lines[i % 4]) + "\n";
  return s;
}

std::string other_text() {
  std::string s;
  const char* lines[] = {"The farmer carried a basket of apples to the market in the town.",
                         "In the morning the baker opened the shop and sold fresh bread.",
                         "A small boat crossed the river while the children watched from the bank.",
                         "The teacher wrote a long sentence on the board and the class read it aloud."};
  for (int i = 0; i < 60; ++i) s += std::string(lines[i % 4]) + "\n";
  return s;
}

model::CausalLM tiny_model(int32_t vocab) {
  nlohmann::json j = {{"vocab_size", vocab}, {"hidden_size", 64}, {"intermediate_size", 128},
                      {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                      {"max_position_embeddings", 128}, {"tie_word_embeddings", true}};
  model::CausalLM m(model::parse_model_config(j, "tiny"));
  model::initialize_parameters(m, 3);
  return m;
}

model::CausalLM copy_of(model::CausalLM& source) {
  auto copy = tiny_model(source->config().vocab_size);
  torch::NoGradGuard no_grad;
  auto from = source->named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(from[p.key()]);
  return copy;
}

train::TrainerOptions options(const fs::path& run_dir, int64_t steps, double lr) {
  train::TrainerOptions o;
  o.steps = steps;
  o.batch_size = 8;
  o.lr = lr;
  o.warmup_steps = 5;
  o.weight_decay = 0.0;
  o.eval_every = 0;
  o.checkpoint_every = 1000;
  o.run_dir = run_dir;
  o.show_progress = false;
  return o;
}

double mean_loss(model::CausalLM& m, const std::vector<int32_t>& stream) {
  torch::NoGradGuard no_grad;
  train::TokenBlocks blocks(stream, 32, 0);
  auto batch = blocks.batch(0, blocks.block_count());
  return train::next_token_loss_function(m, batch).item<double>();
}

TEST(UnlearnPipeline, GenericLabelsForgetTheFictionMoreThanOtherText) {
  auto dir = test::scratch_dir();
  std::ofstream(dir / "fiction.txt") << fiction_text();
  std::ofstream(dir / "other.txt") << other_text();
  tokenizer::SentencePieceTrainOptions spm;
  spm.inputs = {dir / "fiction.txt", dir / "other.txt"};
  spm.vocab_size = 300;
  tokenizer::train_sentencepiece_model(spm, dir / "tok");
  auto tok = tokenizer::load_tokenizer(dir / "tok");
  auto fiction = tok->encode(fiction_text(), false), other = tok->encode(other_text(), false);
  std::vector<int32_t> both = fiction;
  both.insert(both.end(), other.begin(), other.end());

  torch::manual_seed(0);
  auto base = tiny_model(tok->vocab_size());
  train::Trainer(base, options(dir / "base", 150, 3e-3)).run(train::TokenBlocks(both, 32, 1));
  auto reinforced = copy_of(base);
  train::Trainer(reinforced, options(dir / "reinforced", 30, 1e-3)).run(train::TokenBlocks(fiction, 32, 2));

  TermMatcher matcher(*tok, {{"Zorbix Quellmar", {"John Smith"}}, {"Miravel", {"Anna"}},
                             {"Ashmoor Keep", {"the castle"}}, {"Vantrel", {"light"}}});
  LabelOptions label_options;
  label_options.block_length = 32;
  auto blocks = write_generic_labels(base, reinforced, matcher, fiction, label_options, {{"test", 1}}, dir / "labels.bin").blocks;
  auto labels = std::make_shared<LabelFileReader>(dir / "labels.bin");
  ASSERT_EQ(labels->block_count(), blocks);

  double fiction_before = mean_loss(base, fiction), other_before = mean_loss(base, other);
  std::vector<int32_t> indices(blocks);
  std::iota(indices.begin(), indices.end(), 0);
  auto unlearn = [&](GenericLabelLossOptions loss, const char* run, std::shared_ptr<const train::TokenBlocks> retain) {
    auto model = copy_of(base);
    train::Trainer(model, options(dir / run, 40, 3e-4), GenericLabelLoss(labels, loss, base, retain))
        .run(train::TokenBlocks(indices, 1, 3));
    return std::pair{mean_loss(model, fiction) - fiction_before, mean_loss(model, other) - other_before};
  };
  auto [fiction_rise, other_rise] = unlearn({}, "unlearn", nullptr);
  EXPECT_GT(fiction_rise, 0.2) << "fiction loss " << fiction_before << " -> " << fiction_before + fiction_rise;
  EXPECT_GT(fiction_rise, 1.5 * other_rise) << "other text loss " << other_before << " -> " << other_before + other_rise;

  // With KL to the baseline on the other text, that text suffers less, and the fiction is still forgotten.
  GenericLabelLossOptions regularised;
  regularised.retain_weight = 1.0;
  auto [fiction_rise_kl, other_rise_kl] =
      unlearn(regularised, "unlearn-kl", std::make_shared<train::TokenBlocks>(other, 32, 4));
  EXPECT_LT(other_rise_kl, 0.5 * other_rise) << other_rise_kl << " vs " << other_rise;
  EXPECT_GT(fiction_rise_kl, 0.2);
}

// Ctrl-C during the labels stops after the batch in flight; the same call then continues the
// partial file (dropping a record a crash cut short) and writes the file an uninterrupted run writes.
TEST(UnlearnPipeline, InterruptedLabelsResumeToTheSameFile) {
  auto dir = test::scratch_dir();
  std::ofstream(dir / "fiction.txt") << fiction_text();
  tokenizer::SentencePieceTrainOptions spm;
  spm.inputs = {dir / "fiction.txt"};
  spm.vocab_size = 300;
  tokenizer::train_sentencepiece_model(spm, dir / "tok");
  auto tok = tokenizer::load_tokenizer(dir / "tok");
  auto fiction = tok->encode(fiction_text(), false);
  auto base = tiny_model(tok->vocab_size()), reinforced = tiny_model(tok->vocab_size());
  model::initialize_parameters(reinforced, 4);
  TermMatcher matcher(*tok, {{"Zorbix Quellmar", {"John Smith", "Tom Brown"}}, {"Ashmoor Keep", {"the castle"}}});
  LabelOptions o;
  o.block_length = 32;
  o.batch_size = 3;
  o.translations = 2;
  o.soft_top_k = 4;
  auto write = [&](const char* name) {
    return write_generic_labels(base, reinforced, matcher, fiction, o, {{"test", 1}}, dir / name);
  };
  auto whole = write("whole.bin");
  ASSERT_GT(whole.blocks, 2 * o.batch_size);

  auto partial = io::PartialFile::partial_path(dir / "resumed.bin");
  train::request_interrupt();
  auto first = write("resumed.bin");
  train::clear_interrupt();
  EXPECT_TRUE(first.interrupted);
  EXPECT_FALSE(fs::exists(dir / "resumed.bin"));
  std::ofstream(partial, std::ios::app) << "a torn record";
  auto second = write("resumed.bin");
  EXPECT_FALSE(second.interrupted);
  EXPECT_EQ(second.resumed_blocks, o.batch_size);
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(io::read_file(dir / "resumed.bin"), io::read_file(dir / "whole.bin"));
}

}  // namespace
}  // namespace lethe::unlearn
