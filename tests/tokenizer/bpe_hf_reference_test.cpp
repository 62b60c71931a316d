// lethe's byte-level BPE against Hugging Face tokenizers itself: four small tokenizers trained by
// the library (GPT-2, Llama-3 and Qwen2 shaped, and one with a Digits pre-tokenizer), every varied
// text, ids identical with and without special tokens, decode identical, and decode(encode(s)) == s
// where the tokenizer keeps text.
#include <gtest/gtest.h>

#include <functional>

#include "test_util.h"
#include "tokenizer/reference_runners.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"

namespace lethe::tokenizer {
namespace {

using lethe::test::HfEncoding;

// Whether decode(encode(text)) must give text back: not where an added token strips white space,
// and not for GPT-2-shaped "naïve", an added token that Hugging Face's ByteLevel decoder turns into
// bytes (its 'ï' is the alphabet character of byte 0xEF).
using KeepsText = std::function<bool(const std::string&)>;

// Returns the tokenizer lethe loaded, for checks of its own.
std::unique_ptr<Tokenizer> expect_matches_hugging_face(const std::string& variant, const KeepsText& keeps_text) {
  auto dir = test::scratch_dir();
  const std::vector<std::string>& texts = test::varied_texts();
  std::vector<HfEncoding> expected =
      test::run_hf_reference(variant, test::write_training_corpus(dir), texts, dir / variant);
  std::unique_ptr<Tokenizer> tokenizer = load_tokenizer(dir / variant);
  EXPECT_EQ(tokenizer->kind(), "bpe");
  if (expected.size() != texts.size()) return tokenizer;  // the reference failed, and said so
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    SCOPED_TRACE("text " + std::to_string(i) + ": \"" + text + "\"");
    std::vector<int32_t> plain = tokenizer->encode(text, false);
    EXPECT_EQ(plain, expected[i].plain);
    std::vector<int32_t> special = tokenizer->encode(text, true);
    EXPECT_EQ(special, expected[i].special);
    // Hugging Face returns a string, with U+FFFD where lethe returns the raw bytes.
    EXPECT_EQ(test::lossy_utf8(tokenizer->decode(expected[i].plain, false)), expected[i].decoded);
    EXPECT_EQ(test::lossy_utf8(tokenizer->decode(expected[i].special, true)), expected[i].decoded_skipping_special);
    if (keeps_text(text)) EXPECT_EQ(tokenizer->decode(plain, false), text);
  }
  return tokenizer;
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

TEST(BpeHfReference, Gpt2ShapeMatchesHuggingFace) {
  auto tokenizer = expect_matches_hugging_face("gpt2", [](const std::string& text) {
    return !contains(text, "<mask>") && !contains(text, "[RSTRIP]") && !contains(text, "naïve");
  });
  EXPECT_EQ(tokenizer->bos_id, std::nullopt);  // a ByteLevel post-processor adds nothing
  EXPECT_EQ(tokenizer->eos_id, std::nullopt);
}

TEST(BpeHfReference, Llama3ShapeMatchesHuggingFace) {
  auto tokenizer = expect_matches_hugging_face("llama3", [](const std::string&) { return true; });
  EXPECT_EQ(tokenizer->bos_id, tokenizer->token_to_id("<|begin_of_text|>"));
  EXPECT_EQ(tokenizer->eos_id, std::nullopt);
}

// Digits on its own splits every Unicode numeric character (Rust's char::is_numeric), not only
// ASCII digits: "x ٣٤٥ y", "①②", "½", "Ⅻ" and fullwidth digits.
TEST(BpeHfReference, DigitsShapeSplitsEveryNumericCharacterAsHuggingFace) {
  expect_matches_hugging_face("digits", [](const std::string&) { return true; });
}

// NFC and a prefix space on every piece: decode does not give the text back, in Hugging Face either.
TEST(BpeHfReference, Qwen2ShapeWithNfcAndDigitsMatchesHuggingFace) {
  auto tokenizer = expect_matches_hugging_face("qwen2", [](const std::string&) { return false; });
  EXPECT_EQ(tokenizer->bos_id, std::nullopt);
  EXPECT_EQ(tokenizer->eos_id, tokenizer->token_to_id("<|endoftext|>"));
}

}  // namespace
}  // namespace lethe::tokenizer
