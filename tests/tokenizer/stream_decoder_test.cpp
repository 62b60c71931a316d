// StreamDecoder: pushing ids one at a time gives exactly decode(ids) in the end, and no push()
// ever returns half of a multi-byte character; for both tokenizer families, on emoji and CJK text
// that their vocabularies split inside characters.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tokenizer/reference_runners.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"

namespace lethe::tokenizer {
namespace {

const std::vector<std::string>& stream_texts() {
  static const std::vector<std::string> texts = {
      "emoji 😀😃 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 skin 👍🏽 heart ❤️ party🎉 done",
      "東京は日本の首都です。中文测试，标点符号！한국어 텍스트 ひらがな",
      "🦀🦀🦀 rare 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 𓀀 hieroglyph",
      "mixed Ünïcödé Ωμέγα Привет мир עברית العربية हिन्दी ไทย end",
      "",
  };
  return texts;
}

// Whether, for some text, a prefix of its ids decodes to text ending inside a character (raw bytes
// from BPE, U+FFFD from SentencePiece): the case the stream decoder exists for must really occur.
bool some_prefix_splits_a_character(const Tokenizer& tokenizer) {
  const std::string replacement = "\xEF\xBF\xBD";
  for (const std::string& text : stream_texts()) {
    std::vector<int32_t> ids = tokenizer.encode(text, false), prefix;
    for (int32_t id : ids) {
      prefix.push_back(id);
      std::string decoded = tokenizer.decode(prefix, true);
      bool ends_in_replacement = decoded.size() >= 3 && decoded.compare(decoded.size() - 3, 3, replacement) == 0;
      if (!test::is_valid_utf8(decoded) || ends_in_replacement) return true;
    }
  }
  return false;
}

void expect_streams_like_decode(const Tokenizer& tokenizer) {
  EXPECT_TRUE(some_prefix_splits_a_character(tokenizer));
  for (const std::string& text : stream_texts()) {
    SCOPED_TRACE(text);
    std::vector<int32_t> ids = tokenizer.encode(text, true);
    StreamDecoder stream(tokenizer);
    std::string streamed;
    for (int32_t id : ids) {
      std::string piece = stream.push(id);
      EXPECT_TRUE(test::is_valid_utf8(piece)) << "push(" << id << ") returned a broken character";
      streamed += piece;
    }
    std::string rest = stream.flush();
    EXPECT_TRUE(test::is_valid_utf8(rest));
    streamed += rest;
    EXPECT_EQ(streamed, tokenizer.decode(ids, true));
  }
}

TEST(BpeHfStreamDecoder, ReproducesDecodeWithoutBrokenCharacters) {
  auto dir = test::scratch_dir();
  test::run_hf_reference("gpt2", test::write_training_corpus(dir), stream_texts(), dir / "gpt2");
  expect_streams_like_decode(*load_tokenizer(dir / "gpt2"));
}

TEST(SentencePieceStreamDecoder, ReproducesDecodeWithoutBrokenCharacters) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  expect_streams_like_decode(*load_tokenizer(dir / "model"));
}

// A tokenizer whose ids stand for fixed byte strings, to drive the decoder through exact cases.
class BytesTokenizer : public Tokenizer {
 public:
  explicit BytesTokenizer(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}
  std::vector<int32_t> encode(std::string_view, bool) const override { return {}; }
  std::string decode(const std::vector<int32_t>& ids, bool) const override {
    std::string text;
    for (int32_t id : ids) text += pieces_.at(id);
    return text;
  }
  int32_t vocab_size() const override { return static_cast<int32_t>(pieces_.size()); }
  std::string id_to_token(int32_t id) const override { return pieces_.at(id); }
  std::optional<int32_t> token_to_id(std::string_view) const override { return std::nullopt; }
  std::string kind() const override { return "bytes"; }

 private:
  std::vector<std::string> pieces_;
};

TEST(StreamDecoder, HoldsBackAnUnfinishedCharacterUntilItCompletes) {
  // "é" = C3 A9, "😀" = F0 9F 98 80
  BytesTokenizer tokenizer({"a", "\xC3", "\xA9", "\xF0\x9F", "\x98", "\x80", "b"});
  StreamDecoder stream(tokenizer);
  EXPECT_EQ(stream.push(0), "a");
  EXPECT_EQ(stream.push(1), "");
  EXPECT_EQ(stream.push(2), "é");
  EXPECT_EQ(stream.push(3), "");
  EXPECT_EQ(stream.push(4), "");
  EXPECT_EQ(stream.push(5), "😀");
  EXPECT_EQ(stream.push(6), "b");
  EXPECT_EQ(stream.flush(), "");
}

TEST(StreamDecoder, FlushReturnsAnUnfinishedTail) {
  BytesTokenizer tokenizer({"x", "\xE6\x9D"});
  StreamDecoder stream(tokenizer);
  EXPECT_EQ(stream.push(0), "x");
  EXPECT_EQ(stream.push(1), "");
  EXPECT_EQ(stream.flush(), "\xE6\x9D");
}

// SentencePiece writes U+FFFD for byte pieces of a character not complete yet; that U+FFFD must
// not be emitted, since the next decode replaces it by the character.
TEST(StreamDecoder, HoldsBackTrailingReplacementCharacters) {
  BytesTokenizer tokenizer({"a", "\xEF\xBF\xBD", "b"});
  StreamDecoder stream(tokenizer);
  EXPECT_EQ(stream.push(0), "a");
  EXPECT_EQ(stream.push(1), "");
  EXPECT_EQ(stream.push(2), "\xEF\xBF\xBD" "b");
  EXPECT_EQ(stream.flush(), "");
}

}  // namespace
}  // namespace lethe::tokenizer

namespace lethe::tokenizer {
namespace {

// A continuation streamed after a prompt is the text decode(prompt + continuation) adds to
// decode(prompt): SentencePiece keeps the space of the first new piece ("who" + " the").
TEST(SentencePieceStreamDecoder, ContinuesAPromptWithItsSpaces) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "model");
  auto tokenizer = load_tokenizer(dir / "model");
  auto prompt = tokenizer->encode("the name of", true);
  auto continuation = tokenizer->encode("the river and 東京", false);
  StreamDecoder stream(*tokenizer, prompt);
  std::string streamed;
  for (int32_t id : continuation) streamed += stream.push(id);
  streamed += stream.flush();
  auto all = prompt;
  all.insert(all.end(), continuation.begin(), continuation.end());
  EXPECT_EQ(tokenizer->decode(prompt, true) + streamed, tokenizer->decode(all, true));
  EXPECT_EQ(streamed.substr(0, 4), " the");
}

}  // namespace
}  // namespace lethe::tokenizer
