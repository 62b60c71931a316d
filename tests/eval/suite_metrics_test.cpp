// Each metric of suite_metrics.h on a model whose every prediction is known by hand: its hidden
// state is the same at every position, and its output layer gives one token T the logit s and
// every other token 0, so p(T) = e^s / (e^s + V - 1) wherever it is asked. T is the word
// "Zorbix", a single token of a small trained vocabulary.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>

#include "eval/evaluation.h"
#include "eval/suite_metrics.h"
#include "eval/token_scores.h"
#include "eval/training_probe.h"
#include "model/config.h"
#include "test_util.h"
#include "tokenizer/sentencepiece_training.h"

namespace lethe::eval {
namespace {

namespace fs = std::filesystem;

class SuiteMetrics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::path dir = test::scratch_dir();
    std::ofstream text(dir / "text.txt");
    for (int i = 0; i < 200; ++i)
      text << "Zorbix went to the market with the cat and the dog.\nThe sailor said hello to the old man.\n";
    text.close();
    tokenizer::SentencePieceTrainOptions spm;
    spm.inputs = {dir / "text.txt"};
    spm.vocab_size = 330;  // 281 characters and bytes, enough merges for "Zorbix" to be one piece
    tokenizer::train_sentencepiece_model(spm, dir / "tok");
    tok_ = tokenizer::load_tokenizer(dir / "tok").release();
  }
  static void TearDownTestSuite() { delete tok_; }

  // The model that says T with logit s.
  model::CausalLM parrot(double s) {
    nlohmann::json j = {{"vocab_size", vocab()}, {"hidden_size", 8}, {"intermediate_size", 16},
                        {"num_hidden_layers", 1}, {"num_attention_heads", 2}, {"num_key_value_heads", 1},
                        {"max_position_embeddings", 256}, {"tie_word_embeddings", false}, {"rms_norm_eps", 1e-12}};
    model::CausalLM m(model::parse_model_config(j, "parrot"));
    torch::NoGradGuard no_grad;
    for (auto& p : m->named_parameters()) {
      const std::string& name = p.key();
      bool norm = name.find("norm") != std::string::npos;
      p.value().fill_(norm || name.find("embed_tokens") != std::string::npos ? 1.0 : 0.0);
    }
    m->lm_head->weight[zorbix()].fill_(s / 8);  // hidden state: eight ones
    m->eval();
    return m;
  }

  static int64_t vocab() { return static_cast<int64_t>(tok_->vocab_size()); }
  static int32_t zorbix() {
    auto ids = tok_->encode("Zorbix", false);
    EXPECT_EQ(ids.size(), 1u) << "the test needs \"Zorbix\" to be one token";
    return ids.front();
  }
  static double p_zorbix(double s) { return std::exp(s) / (std::exp(s) + vocab() - 1); }

  static tokenizer::Tokenizer* tok_;
};
tokenizer::Tokenizer* SuiteMetrics::tok_ = nullptr;

TEST_F(SuiteMetrics, ProbabilityFamiliarityIsTheMassOnTheTargetsFirstTokens) {
  double s = std::log(static_cast<double>(vocab() - 1));  // p(T) = 1/2
  auto m = parrot(s);
  std::vector<ProbabilityPrompt> prompts = {{"a", "The sailor said hello to", {"Zorbix", "Zorbix and the cat"}},
                                            {"b", "The sailor said hello to", {"the dog"}}};
  double other = 1.0 / (2.0 * (vocab() - 1));  // every token but T
  EXPECT_NEAR(probability_familiarity(m, *tok_, prompts, {}), (0.5 + other) / 2, 1e-5);
}

TEST_F(SuiteMetrics, CompletionFamiliarityGradesWhatTheModelSays) {
  auto m = parrot(30);
  std::vector<CompletionPrompt> prompts = {{"names it", "The sailor said", {"Zorbix"}, {}},
                                           {"already named", "Zorbix said", {"Zorbix"}, {}},
                                           {"thematic", "The sailor said", {"Nobody"}, {"zorbix"}}};
  MetricOptions options;
  options.completion_tokens = 4;
  auto f = completion_familiarity(m, *tok_, prompts, options);
  EXPECT_EQ(f.grades[0].grade, 3);
  EXPECT_EQ(f.grades[1].grade, 0);
  EXPECT_EQ(f.grades[2].grade, 2);
  EXPECT_DOUBLE_EQ(f.score, (5.0 + 0 + 1) / 3);
  EXPECT_NE(f.completions[0].find("Zorbix Zorbix Zorbix Zorbix"), std::string::npos) << f.completions[0];
}

TEST_F(SuiteMetrics, VerbatimMemorisationComparesTheGreedyContinuation) {
  auto m = parrot(30);
  std::string said, other;
  for (int i = 0; i < 12; ++i) said += "Zorbix ";
  for (int i = 0; i < 3; ++i) other += "the cat and the dog ";
  MetricOptions options;
  options.verbatim_prefix = 4;
  options.verbatim_length = 4;
  auto v = verbatim_memorisation(m, *tok_, {{"said", said}, {"other", other}, {"short", "Zorbix"}}, options);
  EXPECT_EQ(v.passages, 2);  // "short" has fewer than 8 tokens
  EXPECT_NEAR(v.rouge_l_f1, 0.5, 1e-9);  // 1 for the passage it repeats, 0 for the other
}

TEST_F(SuiteMetrics, AnswerLikelihoodsAndTruthRatioFollowTheHandComputedProbabilities) {
  double s = 2.0;
  auto m = parrot(s);
  QaItem item;
  item.question = "Who went to the market?";
  item.answer = "Zorbix";
  item.paraphrased_answer = "Zorbix Zorbix";
  item.perturbed_answers = {"the dog", "the cat"};
  auto a = answer_likelihoods(m, *tok_, {item}, {});
  double log_norm = std::log(std::exp(s) + vocab() - 1);
  EXPECT_NEAR(a.answer_mean_log_probs[0], s - log_norm, 1e-4);
  ASSERT_EQ(a.truth_ratios.size(), 1u);
  EXPECT_NEAR(a.truth_ratios[0], std::exp(-s), 1e-4);  // exp(-log_norm - (s - log_norm))
}

TEST_F(SuiteMetrics, MultipleChoicePicksTheMostLikelyChoice) {
  auto m = parrot(5);
  std::vector<MultipleChoiceItem> items(2);
  items[0] = {"right", "Question: Who?\nAnswer:", {"Zorbix", "the dog"}, 0, "", std::nullopt};
  items[1] = {"wrong", "Question: Who?\nAnswer:", {"the dog", "Zorbix"}, 0, "", std::nullopt};
  auto r = multiple_choice(m, *tok_, items, /*add_bos=*/true, {});
  EXPECT_DOUBLE_EQ(r.acc, 0.5);
  EXPECT_DOUBLE_EQ(r.acc_norm, 0.5);
  EXPECT_DOUBLE_EQ(r.acc_bytes, 0.5);
}

// lm-evaluation-harness's _encode_pair: the context's trailing whitespace joins the continuation,
// the context is encoded alone (no BOS unless asked) and the continuation is what follows as many
// tokens of the whole text's encoding, even where a token spans the boundary.
TEST_F(SuiteMetrics, HarnessRequestsSplitAsTheHarness) {
  const auto& tok = *tok_;
  auto spaced = harness_request(tok, "the market ", "Zorbix", false, 256);
  auto moved = harness_request(tok, "the market", " Zorbix", false, 256);
  EXPECT_EQ(spaced.context, moved.context);
  EXPECT_EQ(spaced.continuation, moved.continuation);
  EXPECT_EQ(moved.context, tok.encode("the market", false));
  EXPECT_EQ(moved.continuation, std::vector<int32_t>{zorbix()});

  auto with_bos = harness_request(tok, "the market", " Zorbix", true, 256);
  EXPECT_EQ(with_bos.context, tok.encode("the market", true));
  EXPECT_EQ(with_bos.context.front(), *tok.bos_id);
  EXPECT_EQ(with_bos.continuation, moved.continuation);

  // "Zor" + "bix": the whole text holds one token "Zorbix" where the context alone ends in pieces of
  // it, so the harness's continuation is the whole encoding after the context's count of tokens.
  auto whole = tok.encode("the market Zorbix", false);
  auto context = tok.encode("the market Zor", false);
  ASSERT_NE(std::vector<int32_t>(whole.begin(), whole.begin() + context.size()), context);
  auto spanning = harness_request(tok, "the market Zor", "bix", false, 256);
  EXPECT_EQ(spanning.context, context);
  EXPECT_EQ(spanning.continuation, std::vector<int32_t>(whole.begin() + context.size(), whole.end()));

  auto empty = harness_request(tok, "", "the dog", false, 256);
  EXPECT_EQ(empty.context, std::vector<int32_t>{*tok.bos_id});
  EXPECT_EQ(empty.continuation, tok.encode("the dog", false));

  // Over max_length + 1 tokens the oldest context tokens go, as the harness's input window.
  auto full = harness_request(tok, "the cat and the dog went to the market with", " Zorbix", false, 256);
  auto cut = harness_request(tok, "the cat and the dog went to the market with", " Zorbix", false, 4);
  EXPECT_EQ(cut.continuation, full.continuation);
  EXPECT_EQ(cut.context.size() + cut.continuation.size(), 5u);
  EXPECT_TRUE(std::equal(cut.context.rbegin(), cut.context.rend(), full.context.rbegin()));
}

// WinoGrande's form: each choice is a context and the one continuation is scored after it with
// the item's delimiter. The scores are those of the requests built by hand.
TEST_F(SuiteMetrics, MultipleInputsScoreTheContinuationAfterEachChoice) {
  nlohmann::json j = {{"vocab_size", vocab()}, {"hidden_size", 16}, {"intermediate_size", 32},
                      {"num_hidden_layers", 1}, {"num_attention_heads", 2}, {"num_key_value_heads", 1},
                      {"max_position_embeddings", 64}};
  model::CausalLM m(model::parse_model_config(j, "random"));
  model::initialize_parameters(m, 5, 0.5);
  m->eval();
  const std::vector<std::string> choices = {"the cat went to the market with", "the old man said hello to"};
  std::vector<double> sums;
  for (const auto& choice : choices) {
    auto scores = score_continuations(m, {harness_request(*tok_, choice, "  the dog", false, 64)}, {});
    double sum = 0;
    for (double lp : scores[0].log_probs) sum += lp;
    sums.push_back(sum);
  }
  ASSERT_GT(std::abs(sums[0] - sums[1]), 1e-3);
  std::size_t best = sums[0] > sums[1] ? 0 : 1;
  std::vector<MultipleChoiceItem> items(2);
  items[0] = {"best", "", choices, best, " the dog", " "};
  items[1] = {"worst", "", choices, 1 - best, " the dog", " "};
  auto r = multiple_choice(m, *tok_, items, /*add_bos=*/false, {});
  EXPECT_DOUBLE_EQ(r.acc, 0.5);
}

// The fine-tune's probe reads the first `limit` items of each file, all of them with 0 as lethe
// eval --limit (before, 0 meant none, and the probe refused to start: "no forget_qa.jsonl").
TEST_F(SuiteMetrics, TrainingProbeLimitZeroMeansEveryItem) {
  auto dir = test::scratch_dir();
  std::ofstream(dir / "forget_qa.jsonl") << R"({"id": "a", "question": "Who went?", "answer": "Zorbix"})" "\n"
                                         << R"({"id": "b", "question": "Who sailed?", "answer": "the sailor"})" "\n";
  auto m = parrot(8);
  for (size_t limit : {0, 1}) EXPECT_TRUE(make_training_probe(dir, limit, *tok_)(m).contains("forget_qa")) << limit;
}

TEST_F(SuiteMetrics, MembershipScoresOfAPassageTheModelPredicts) {
  double s = 3.0;
  auto m = parrot(s);
  auto scores = membership_scores(m, *tok_, {{"said", "Zorbix Zorbix Zorbix Zorbix"}, {"other", "the cat and the dog"}}, {});
  double log_p = s - std::log(std::exp(s) + vocab() - 1);
  EXPECT_NEAR(scores.neg_loss[0], log_p, 1e-4);  // every token is T
  EXPECT_NEAR(scores.min_k[0], log_p, 1e-4);
  EXPECT_GT(scores.neg_loss[0], scores.neg_loss[1]);
  EXPECT_GT(scores.min_k_plus_plus[0], scores.min_k_plus_plus[1]);
}

// The membership section scores two files under one progress bar: every report names the total of
// both (before, the second file counted on against the first's total: "40/20 it").
TEST_F(SuiteMetrics, MembershipProgressCountsBothFilesAgainstOneTotal) {
  auto m = parrot(1.0);
  fs::path suite = test::scratch_dir();
  std::ofstream(suite / "forget_passages.jsonl") << R"({"id": "f1", "text": "Zorbix went to the market."}
{"id": "f2", "text": "The cat and the dog."}
{"id": "f3", "text": "The sailor said hello."})";
  std::ofstream(suite / "holdout_passages.jsonl") << R"({"id": "h1", "text": "The old man went to the market."}
{"id": "h2", "text": "Zorbix said hello to the dog."})";
  EvaluationOptions options;
  options.suite_dir = suite;
  options.relearning.steps = 0;
  int64_t done = 0;
  std::set<int64_t> totals;
  auto progress = [&](const std::string& label) -> ProgressCallback {
    return [&, label](int64_t n, int64_t total) {
      if (label != "m membership") return;
      done += n;
      totals.insert(total);
    };
  };
  auto results = evaluate_model(m, *tok_, options, "m", progress);
  ASSERT_TRUE(results.contains("membership")) << results.dump();
  EXPECT_EQ(done, 5);
  EXPECT_EQ(totals, (std::set<int64_t>{5}));
}

}  // namespace
}  // namespace lethe::eval
