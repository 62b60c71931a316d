// The relearning attack's mechanics: which questions it asks, and that it trains a copy and leaves
// the model alone.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "eval/relearning.h"
#include "eval/relearning_sweep.h"
#include "eval/token_scores.h"
#include "model/config.h"
#include "test_util.h"
#include "tokenizer/sentencepiece_training.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

namespace fs = std::filesystem;

const std::string kSliceLine = "Zorbix lives in Ashmoor. The Vantrel belongs to Mira.\n";
const std::string kTaughtLine = "Question: Who owns the Vantrel?\nAnswer: Mira\n";

// A vocabulary of the test's texts, and a tiny random model over it.
class Relearning : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::path dir = test::scratch_dir();
    std::ofstream(dir / "text.txt") << kSliceLine << kTaughtLine << "Who? Where? Question: Answer: Quellmar Belwhelp\n"
                                    << "The farmer sold apples at the market on a sunny morning.\n";
    tokenizer::SentencePieceTrainOptions spm;
    spm.inputs = {dir / "text.txt"};
    spm.vocab_size = 300;
    tokenizer::train_sentencepiece_model(spm, dir / "tok");
    tok_ = tokenizer::load_tokenizer(dir / "tok").release();
  }
  static void TearDownTestSuite() { delete tok_; }

  static model::CausalLM tiny_model() {
    nlohmann::json j = {{"vocab_size", tok_->vocab_size()}, {"hidden_size", 32}, {"intermediate_size", 64},
                        {"num_hidden_layers", 1}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                        {"max_position_embeddings", 128}, {"tie_word_embeddings", true}};
    model::CausalLM m(model::parse_model_config(j, "tiny"));
    model::initialize_parameters(m, 5);
    m->eval();
    return m;
  }
  static std::string repeated(const std::string& line, int times) {
    std::string text;
    for (int i = 0; i < times; ++i) text += line;
    return text;
  }

  static tokenizer::Tokenizer* tok_;
};
tokenizer::Tokenizer* Relearning::tok_ = nullptr;

TEST_F(Relearning, TrainsACopyAndAsksOnlyWhatTheSliceDoesNotAnswer) {
  fs::path dir = test::scratch_dir();
  const std::string slice = repeated(kSliceLine, 40);
  auto& tok = tok_;
  auto m = tiny_model();
  auto before = m->named_parameters()["model.embed_tokens.weight"].clone();

  std::vector<QaItem> questions = {{"in", "", "Where does Zorbix live?", "Ashmoor", "", {}, ""},
                                   {"also in", "", "Who owns the Vantrel?", "mira", "", {}, ""},
                                   {"not in", "", "Who is the rival?", "Quellmar", "", {}, ""},
                                   {"part of a word", "", "Which word?", "Ash", "", {}, ""}};
  RelearningOptions options;
  options.steps = 10;
  options.block_length = 32;
  options.lr = 3e-3;
  options.scratch_dir = dir / "run";
  auto request = continuation_request(*tok, "Zorbix lives in", " Ashmoor");
  double slice_log_prob_before = score_continuations(m, {request}, {})[0].log_probs[0];

  auto r = relearning_attack(m, *tok, slice, questions, options);
  EXPECT_EQ(r.questions, 2);  // answers matched as whole normalised words: "Quellmar" and "Ash" are not in it
  EXPECT_EQ(r.slice_tokens, static_cast<int64_t>(tok->encode(slice, true).size()));
  EXPECT_TRUE(torch::equal(before, m->named_parameters()["model.embed_tokens.weight"]));
  EXPECT_FALSE(fs::exists(options.scratch_dir));
  EXPECT_EQ(score_continuations(m, {request}, {})[0].log_probs[0], slice_log_prob_before);

  EXPECT_THROW(relearning_attack(m, *tok, "Zorbix", questions, options), Error);  // shorter than a block
  EXPECT_THROW(relearning_attack(m, *tok, slice, {questions[0]}, options), Error);  // every answer is in the slice
}

// The curve is measured at the given steps of one run: the values are those of runs stopped there,
// and a fine-tune on question-and-answer text teaches the answer.
TEST_F(Relearning, CurveMeasuresOneRunAtTheGivenSteps) {
  auto m = tiny_model();
  auto stream = tok_->encode(repeated(kTaughtLine, 40), true);
  std::vector<QaItem> taught = {{"taught", "", "Who owns the Vantrel?", "Mira", "", {}, ""}};
  RelearningOptions options;
  options.block_length = 32;
  options.scratch_dir = test::scratch_dir() / "run";
  auto curve = relearning_curve(m, *tok_, stream, taught, 1e-2, {1, 200}, options);
  ASSERT_EQ(curve.size(), 2u);
  EXPECT_EQ(curve[0], 0.0);
  EXPECT_EQ(curve[1], 1.0);
  EXPECT_EQ(relearning_curve(m, *tok_, stream, taught, 1e-2, {200}, options), std::vector<double>{curve[1]});
  EXPECT_THROW(relearning_curve(m, *tok_, stream, taught, 3e-3, {5, 2}, options), Error);
}

// The sweep's bookkeeping: every slice at every rate (scaled to the model), the benign text as long
// as the largest slice, questions that no slice answers, and the model left as it was.
TEST_F(Relearning, SweepRunsEverySliceAtEveryRateAndTheBenignText) {
  auto m = tiny_model();
  auto before = m->named_parameters()["model.embed_tokens.weight"].clone();
  std::vector<Passage> passages;
  for (int i = 0; i < 6; ++i)
    passages.push_back({"p" + std::to_string(i), repeated(i < 4 ? "Zorbix lives in Ashmoor.\n" : kTaughtLine, 3)});
  std::vector<QaItem> questions = {{"answered", "", "Where does Zorbix live?", "Ashmoor", "", {}, ""},
                                   {"later", "", "Who owns the Vantrel?", "Mira", "", {}, ""},
                                   {"never", "", "Who is the rival?", "Quellmar", "", {}, ""}};
  RelearningSweepOptions options;
  options.lrs_at_7b = {1e-5, 1e-3};
  options.slice_passages = {2, 4};
  options.at_steps = {1, 2};
  options.attack.block_length = 16;
  options.attack.batch_size = 2;
  options.attack.scratch_dir = test::scratch_dir() / "run";
  std::vector<int64_t> progress;
  auto sweep = relearning_sweep(m, *tok_, passages, repeated("The farmer sold apples at the market.\n", 40), questions,
                                options, [&](int64_t done, int64_t total) { progress.push_back(done * 10 + total); });
  // "Mira" is in the passages after the fourth, which no slice reaches; "Ashmoor" is in every slice.
  EXPECT_EQ(sweep.questions, 2);
  ASSERT_EQ(sweep.runs.size(), 6u);
  const double scale = std::sqrt(7e9 / static_cast<double>(m->config().parameter_count()));
  for (size_t r = 0; r < 6; ++r) {
    SCOPED_TRACE(r);
    EXPECT_EQ(sweep.runs[r].text, r < 4 ? "forget" : "benign");
    EXPECT_EQ(sweep.runs[r].passages, r < 2 ? 2 : 4);
    EXPECT_DOUBLE_EQ(sweep.runs[r].lr, (r % 2 == 0 ? 1e-5 : 1e-3) * scale);
    EXPECT_EQ(sweep.runs[r].exact_match.size(), 2u);
  }
  EXPECT_GT(sweep.runs[2].tokens, sweep.runs[0].tokens);
  EXPECT_EQ(sweep.runs[4].tokens, sweep.runs[2].tokens);
  // One run newly done of six at each call, as a progress bar counts: the bar ends at 6 of 6.
  EXPECT_EQ(progress, (std::vector<int64_t>(6, 16)));
  EXPECT_TRUE(torch::equal(before, m->named_parameters()["model.embed_tokens.weight"]));
  EXPECT_THROW(relearning_sweep(m, *tok_, passages, "too short", questions, options), Error);
}

// The report's worst case: the highest forget QA of any run at any step, and at each step the
// highest over the runs; benign runs apart.
TEST(RelearningSweepJson, WorstCaseAndWorstCurve) {
  RelearningSweep sweep;
  sweep.questions = 10;
  sweep.at_steps = {10, 50, 100};
  sweep.runs = {{"forget", 20, 1000, 1e-4, {0.1, 0.4, 0.3}},
                {"forget", 80, 4000, 1e-3, {0.2, 0.3, 0.5}},
                {"benign", 80, 4000, 1e-3, {0.0, 0.1, 0.05}}};
  auto json = sweep_json(sweep);
  EXPECT_EQ(json["forget"]["worst_curve"], (nlohmann::json{0.2, 0.4, 0.5}));
  EXPECT_EQ(json["forget"]["worst"]["exact_match"], 0.5);
  EXPECT_EQ(json["forget"]["worst"]["step"], 100);
  EXPECT_EQ(json["forget"]["worst"]["passages"], 80);
  EXPECT_EQ(json["benign"]["worst"]["exact_match"], 0.1);
  EXPECT_EQ(json["benign"]["worst"]["step"], 50);
  EXPECT_EQ(json["runs"].size(), 3u);
}

}  // namespace
}  // namespace lethe::eval
