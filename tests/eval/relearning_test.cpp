// The relearning attack's mechanics: which questions it asks, and that it trains a copy and leaves
// the model alone.
#include <gtest/gtest.h>

#include <fstream>

#include "eval/relearning.h"
#include "eval/token_scores.h"
#include "model/config.h"
#include "test_util.h"
#include "tokenizer/sentencepiece_training.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

namespace fs = std::filesystem;

TEST(Relearning, TrainsACopyAndAsksOnlyWhatTheSliceDoesNotAnswer) {
  fs::path dir = test::scratch_dir();
  std::string slice;
  for (int i = 0; i < 40; ++i) slice += "Zorbix lives in Ashmoor. The Vantrel belongs to Mira.\n";
  std::ofstream(dir / "text.txt") << slice << "Who? Where? Question: Answer: Quellmar Belwhelp\n";
  tokenizer::SentencePieceTrainOptions spm;
  spm.inputs = {dir / "text.txt"};
  spm.vocab_size = 300;
  tokenizer::train_sentencepiece_model(spm, dir / "tok");
  auto tok = tokenizer::load_tokenizer(dir / "tok");

  nlohmann::json j = {{"vocab_size", tok->vocab_size()}, {"hidden_size", 32}, {"intermediate_size", 64},
                      {"num_hidden_layers", 1}, {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                      {"max_position_embeddings", 128}, {"tie_word_embeddings", true}};
  model::CausalLM m(model::parse_model_config(j, "tiny"));
  model::initialize_parameters(m, 5);
  m->eval();
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

}  // namespace
}  // namespace lethe::eval
