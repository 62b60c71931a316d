// lethe's SentencePiece training against the spm_train tool given the recipe lethe documents (spelt
// out here again, not taken from lethe), and against Python sentencepiece loading spm_train's
// model; the directory it writes as load_tokenizer reads it; bad inputs that name the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "io/file.h"
#include "test_util.h"
#include "tokenizer/reference_runners.h"
#include "tokenizer/sentencepiece_training.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

namespace fs = std::filesystem;

constexpr int kVocabSize = 1000;

SentencePieceTrainOptions options_for(const fs::path& corpus, const std::string& model_type) {
  SentencePieceTrainOptions options;
  options.inputs = {corpus};
  options.vocab_size = kVocabSize;
  options.model_type = model_type;
  options.user_symbols = {"<|user|>", "<|end|>"};
  return options;
}

// sentencepiece_training.h's recipe as spm_train flags: Llama 2's settings, deterministic.
test::CommandResult run_spm_train(const fs::path& corpus, const std::string& model_type, const fs::path& prefix) {
  return test::run_command(
      "spm_train --input=" + corpus.string() + " --model_prefix=" + prefix.string() + " --vocab_size=" +
      std::to_string(kVocabSize) + " --model_type=" + model_type +
      " --character_coverage=0.99995 --byte_fallback=true --split_digits=true --allow_whitespace_only_pieces=true"
      " --normalization_rule_name=identity --remove_extra_whitespaces=false --unk_id=0 --bos_id=1 --eos_id=2"
      " --pad_id=-1 --input_sentence_size=0 --shuffle_input_sentence=false --num_threads=1"
      " --max_sentence_length=1073741824 --user_defined_symbols='<|user|>,<|end|>' --minloglevel=2");
}

// A model file (a ModelProto) less its trainer_spec (field 2) and normalizer_spec (3): the pieces,
// each with its score and type. Those two cannot equal spm_train's bytes: trainer_spec records the
// model_prefix, which libsentencepiece requires to be empty when it hands the model back in memory
// (lethe needs that to write it atomically), and spm_train marks every field of both specs as set,
// so protobuf writes out their default values, which the library's own defaults leave unset.
std::string without_specs(const std::string& model) {
  std::size_t at = 0;
  auto varint = [&] {
    uint64_t value = 0;
    for (int shift = 0; at < model.size() && shift < 64; shift += 7) {
      auto byte = static_cast<uint8_t>(model[at++]);
      value |= uint64_t{byte & 0x7fu} << shift;
      if (byte < 0x80) break;
    }
    return value;
  };
  std::string kept;
  while (at < model.size()) {
    std::size_t start = at;
    uint64_t key = varint();
    uint64_t length = varint();  // every field of a ModelProto is a message or a string
    EXPECT_EQ(key & 7, 2u) << "field " << (key >> 3) << " is not length-delimited";
    if ((key & 7) != 2 || length > model.size() - at) return kept + "<malformed>";
    at += length;
    if (key >> 3 != 2 && key >> 3 != 3) kept.append(model, start, at - start);
  }
  return kept;
}

class SentencePieceTrainingReference : public ::testing::TestWithParam<std::string> {};

TEST_P(SentencePieceTrainingReference, MatchesSpmTrainAndPythonSentencePiece) {
  const std::string& model_type = GetParam();
  auto dir = test::scratch_dir();
  fs::path corpus = test::write_training_corpus(dir);
  train_sentencepiece_model(options_for(corpus, model_type), dir / "lethe");
  test::CommandResult spm = run_spm_train(corpus, model_type, dir / "spm");
  ASSERT_EQ(spm.exit_code, 0) << spm.all();

  // The vocabulary: byte for byte.
  std::string ours = without_specs(io::read_file(dir / "lethe" / "tokenizer.model"));
  std::string theirs = without_specs(io::read_file(dir / "spm.model"));
  EXPECT_GT(theirs.size(), 1000u);
  EXPECT_TRUE(ours == theirs) << "the pieces differ: " << ours.size() << " bytes against spm_train's " << theirs.size();

  // The normalizer, through what it does: lethe's encodings equal Python's with spm_train's model.
  std::vector<std::string> texts = test::varied_texts();
  texts.push_back("<|user|>hi there<|end|> and <|user|>");
  test::SpReference expected = test::run_sp_reference(dir / "spm.model", texts);
  ASSERT_EQ(expected.ids.size(), texts.size());
  auto tokenizer = load_tokenizer(dir / "lethe");
  EXPECT_EQ(tokenizer->vocab_size(), expected.vocab_size);
  EXPECT_EQ(tokenizer->bos_id, expected.bos_id);
  EXPECT_EQ(tokenizer->eos_id, expected.eos_id);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE("text " + std::to_string(i) + ": \"" + texts[i].substr(0, 80) + "\"");
    EXPECT_EQ(tokenizer->encode(texts[i], false), expected.ids[i]);
    EXPECT_EQ(tokenizer->decode(expected.ids[i], false), expected.decoded[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(ModelTypes, SentencePieceTrainingReference, ::testing::Values("bpe", "unigram"));

TEST(SentencePieceTraining, SameInputGivesSameBytes) {
  auto dir = test::scratch_dir();
  fs::path corpus = test::write_training_corpus(dir);
  for (const char* model_type : {"bpe", "unigram"}) {
    SCOPED_TRACE(model_type);
    train_sentencepiece_model(options_for(corpus, model_type), dir / "first");
    train_sentencepiece_model(options_for(corpus, model_type), dir / "second");
    for (const char* file : {"tokenizer.model", "tokenizer_config.json"})
      EXPECT_TRUE(io::read_file(dir / "first" / file) == io::read_file(dir / "second" / file)) << file;
  }
}

TEST(SentencePieceTraining, LoadsWithLlamaIdsAndRoundTripsText) {
  auto dir = test::scratch_dir();
  train_sentencepiece_model(options_for(test::write_training_corpus(dir), "bpe"), dir / "tokenizer");
  auto tokenizer = load_tokenizer(dir / "tokenizer");
  EXPECT_EQ(tokenizer->kind(), "sentencepiece");
  EXPECT_EQ(tokenizer->vocab_size(), kVocabSize);
  EXPECT_EQ(tokenizer->token_to_id("<unk>"), 0);
  EXPECT_EQ(tokenizer->bos_id, 1);
  EXPECT_EQ(tokenizer->eos_id, 2);
  EXPECT_EQ(tokenizer->pad_id, std::nullopt);
  EXPECT_EQ(tokenizer->id_to_token(1), "<s>");
  EXPECT_EQ(tokenizer->id_to_token(2), "</s>");
  EXPECT_EQ(tokenizer->token_to_id("<|user|>"), 3);  // user symbols follow the reserved pieces
  EXPECT_EQ(tokenizer->token_to_id("<0x0A>").has_value(), true);  // byte fallback

  for (const std::string& text : test::varied_texts()) {
    SCOPED_TRACE("\"" + text.substr(0, 80) + "\"");
    std::vector<int32_t> ids = tokenizer->encode(text, true);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), 1);  // BOS, and no EOS
    EXPECT_EQ(std::count(ids.begin(), ids.end(), 2), 0);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), 0), 0);  // never <unk>: bytes instead
    EXPECT_EQ(tokenizer->decode(ids, true), text);  // identity normalization keeps every byte
  }
  std::vector<int32_t> ids = tokenizer->encode("say<|user|>hi", false);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 3), 1);
}

// libsentencepiece's default drops lines over 4192 bytes without a word; a book's paragraph may be
// one line. Here the whole corpus is one line of 60 KB: dropped, there would be nothing to train on.
TEST(SentencePieceTraining, KeepsLongLines) {
  auto dir = test::scratch_dir();
  std::string line;
  const char* words[] = {"the ", "old ", "wizard ", "river ", "castle ", "green ", "stone ", "walks "};
  for (std::size_t i = 0; line.size() < 60'000; ++i) line += words[(i * 5 + i / 7) % 8];
  test::write_text_file(dir / "long.txt", line + "\n");
  SentencePieceTrainOptions options = options_for(dir / "long.txt", "bpe");
  options.vocab_size = 300;
  train_sentencepiece_model(options, dir / "tokenizer");
  EXPECT_EQ(load_tokenizer(dir / "tokenizer")->vocab_size(), 300);
}

// Expects train_sentencepiece_model to throw a lethe::Error naming named and saying reason.
void expect_error(const SentencePieceTrainOptions& options, const fs::path& out, const std::string& named,
                  const std::string& reason) {
  try {
    train_sentencepiece_model(options, out);
    ADD_FAILURE() << "no error; expected one naming " << named;
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(named), std::string::npos) << message;
    EXPECT_NE(message.find(reason), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(out / "tokenizer.model"));
}

TEST(SentencePieceTraining, BadInputNamesTheFileAndTheReason) {
  auto dir = test::scratch_dir();
  fs::path corpus = dir / "small.txt";
  test::write_text_file(corpus, "the old wizard walks\nby the green river\n\nand sings\n");
  test::write_text_file(dir / "empty.txt", "");
  test::write_text_file(dir / "blank.txt", "\n  \n\t\n");
  fs::path out = dir / "out";

  SentencePieceTrainOptions options = options_for(corpus, "bpe");
  options.inputs = {corpus, dir / "missing.txt"};
  expect_error(options, out, (dir / "missing.txt").string(), "No such file or directory");
  options.inputs = {dir / "empty.txt"};
  expect_error(options, out, (dir / "empty.txt").string(), "no text to train on");
  options.inputs = {corpus, dir / "blank.txt"};
  expect_error(options, out, (dir / "blank.txt").string(), "no text to train on");

  options.inputs = {corpus};
  options.vocab_size = 100;  // fewer than <unk> <s> </s>, two symbols, 256 bytes and the characters
  expect_error(options, out, corpus.string(), "Vocabulary size is smaller than required_chars");
  options.vocab_size = 5000;  // more pieces than this corpus has merges for
  expect_error(options, out, corpus.string(), "Vocabulary size too high");
  options.model_type = "unigram";
  expect_error(options, out, corpus.string(), "Vocabulary size too high");
  options.vocab_size = 0;
  expect_error(options, out, corpus.string(), "not positive");

  options = options_for(corpus, "bpe");
  expect_error(options, corpus / "out", (corpus / "out").string(), "cannot create the folder");
  options.user_symbols = {"a,b"};
  expect_error(options, out, "a,b", "comma");
}

}  // namespace
}  // namespace lethe::tokenizer
