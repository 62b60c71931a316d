// lethe's SentencePiece tokenizer against the sentencepiece Python package, on a small BPE model
// with byte fallback trained by the test, and the tokenizer_config.json settings that change it.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"
#include "tokenizer/reference_runners.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

TEST(SentencePieceReference, MatchesPythonSentencePiece) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  const std::vector<std::string>& texts = test::varied_texts();
  test::SpReference expected = test::run_sp_reference(dir / "model" / "tokenizer.model", texts);
  ASSERT_EQ(expected.ids.size(), texts.size());

  std::unique_ptr<Tokenizer> tokenizer = load_tokenizer(dir / "model");
  EXPECT_EQ(tokenizer->kind(), "sentencepiece");
  EXPECT_EQ(tokenizer->vocab_size(), expected.vocab_size);
  EXPECT_EQ(tokenizer->bos_id, expected.bos_id);
  EXPECT_EQ(tokenizer->eos_id, expected.eos_id);
  EXPECT_EQ(tokenizer->pad_id, expected.pad_id);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE("text " + std::to_string(i) + ": \"" + texts[i] + "\"");
    EXPECT_EQ(tokenizer->encode(texts[i], false), expected.ids[i]);
    std::vector<int32_t> with_bos = expected.ids[i];
    with_bos.insert(with_bos.begin(), expected.bos_id);
    EXPECT_EQ(tokenizer->encode(texts[i], true), with_bos);
    EXPECT_EQ(tokenizer->decode(expected.ids[i], false), expected.decoded[i]);
    EXPECT_EQ(tokenizer->decode(with_bos, true), expected.decoded[i]);
  }
}

TEST(SentencePieceTokenizer, ConfigDecidesBosEosAndSpecialTokens) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  test::write_text_file(dir / "model" / "tokenizer_config.json",
                        R"({"add_bos_token": false, "add_eos_token": true, "pad_token": {"content": "<unk>"}})");
  std::unique_ptr<Tokenizer> tokenizer = load_tokenizer(dir / "model");
  std::vector<int32_t> ids = tokenizer->encode("Hello world", true);
  ASSERT_FALSE(ids.empty());
  EXPECT_NE(ids.front(), *tokenizer->bos_id);
  EXPECT_EQ(ids.back(), *tokenizer->eos_id);
  EXPECT_EQ(tokenizer->pad_id, tokenizer->token_to_id("<unk>"));
  EXPECT_EQ(tokenizer->id_to_token(*tokenizer->bos_id), "<s>");
  EXPECT_EQ(tokenizer->token_to_id("no such piece"), std::nullopt);
  EXPECT_EQ(tokenizer->decode(ids, true), "Hello world");
  EXPECT_EQ(tokenizer->decode({*tokenizer->bos_id, *tokenizer->eos_id}, true), "");
}

// As Hugging Face's Llama tokenizer (legacy, the Llama 2 and Mistral default) and its
// SentencePiece-style tokenizer.json: a special piece written in the text is that piece, and each
// stretch between them is encoded on its own, with its own "▁" in front.
TEST(SentencePieceTokenizer, SpecialPiecesWrittenInTheTextAreThosePieces) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  auto tokenizer = load_tokenizer(dir / "model");
  const int32_t bos = *tokenizer->bos_id, eos = *tokenizer->eos_id, unk = *tokenizer->token_to_id("<unk>");
  auto concat = [](std::initializer_list<std::vector<int32_t>> parts) {
    std::vector<int32_t> out;
    for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
  };
  const auto hello = tokenizer->encode("Hello", false), world = tokenizer->encode("world", false);
  EXPECT_EQ(tokenizer->encode("<s>Hello</s>", false), concat({{bos}, hello, {eos}}));
  EXPECT_EQ(tokenizer->encode("<s>Hello</s>", true), concat({{bos, bos}, hello, {eos}}));
  EXPECT_EQ(tokenizer->encode("Hello<unk>world<s>", false), concat({hello, {unk}, world, {bos}}));
  // A broken one is text; and every one, when asked.
  EXPECT_NE(tokenizer->encode("<s Hello", false).front(), bos);
  tokenizer->special_tokens_as_text = true;
  const auto as_text = tokenizer->encode("<s>Hello</s>", false);
  EXPECT_EQ(std::count(as_text.begin(), as_text.end(), bos) + std::count(as_text.begin(), as_text.end(), eos), 0);
  EXPECT_EQ(tokenizer->decode(as_text, false), "<s>Hello</s>");
}

TEST(SentencePieceTokenizer, LoadPrefersTokenizerModelOverTokenizerJson) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  test::write_text_file(dir / "model" / "tokenizer.json", test::small_bpe_json().dump());
  EXPECT_EQ(load_tokenizer(dir / "model")->kind(), "sentencepiece");
}

TEST(SentencePieceTokenizer, RefusesIdsOutOfRange) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  auto tokenizer = load_tokenizer(dir / "model");
  EXPECT_THROW(tokenizer->decode({5, tokenizer->vocab_size()}, false), Error);
  EXPECT_THROW(tokenizer->decode({-1}, true), Error);
  EXPECT_THROW(tokenizer->id_to_token(tokenizer->vocab_size()), Error);
}

}  // namespace
}  // namespace lethe::tokenizer
