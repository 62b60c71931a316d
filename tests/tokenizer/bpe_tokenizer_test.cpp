// Hand-checked cases of the byte-level BPE that the Hugging Face comparison cannot isolate: merge
// order, ignore_merges, unknown characters, the tokenizer_config.json rules, thread safety.
#include <gtest/gtest.h>

#include <algorithm>

#include <thread>

#include "test_util.h"
#include "tokenizer/regex.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

using nlohmann::json;

std::unique_ptr<Tokenizer> load_json(const json& tokenizer_json, const char* config = nullptr) {
  auto dir = test::scratch_dir();
  test::write_text_file(dir / "tokenizer.json", tokenizer_json.dump());
  if (config != nullptr) test::write_text_file(dir / "tokenizer_config.json", config);
  return load_tokenizer(dir);
}

TEST(BpeTokenizer, MergesLowestRankFirstWhereverItIs) {
  auto tokenizer = load_json(test::small_bpe_json());
  // "b c" (rank 1) beats "a b" (rank 2) although "ab" comes first; then "a bc" gives "abc".
  EXPECT_EQ(tokenizer->encode("abc", false), (std::vector<int32_t>{6}));
  EXPECT_EQ(tokenizer->encode("ab a", false), (std::vector<int32_t>{4, 7}));
  EXPECT_EQ(tokenizer->encode("abc", true), (std::vector<int32_t>{8, 6, 9}));
  EXPECT_EQ(tokenizer->encode("<bos>ab<eos>", false), (std::vector<int32_t>{8, 4, 9}));
  EXPECT_EQ(tokenizer->decode({8, 4, 7, 9}, false), "<bos>ab a<eos>");
  EXPECT_EQ(tokenizer->decode({8, 4, 7, 9}, true), "ab a");
  EXPECT_EQ(tokenizer->bos_id, 8);
  EXPECT_EQ(tokenizer->eos_id, 9);
  EXPECT_EQ(tokenizer->vocab_size(), 10);
  EXPECT_EQ(tokenizer->id_to_token(7), "\u0120a");
  EXPECT_EQ(tokenizer->token_to_id("<eos>"), 9);
  EXPECT_EQ(tokenizer->token_to_id("zzz"), std::nullopt);
}

// Special added tokens written in the text are those tokens unless asked otherwise (Hugging Face's
// split_special_tokens); as text, "<bos>" is its letters (of which the vocabulary has only "b").
TEST(BpeTokenizer, SpecialTokensInTheTextCanStayText) {
  auto tokenizer = load_json(test::small_bpe_json());
  EXPECT_EQ(tokenizer->encode("a<bos>c", false), (std::vector<int32_t>{0, 8, 2}));
  tokenizer->special_tokens_as_text = true;
  const auto as_text = tokenizer->encode("a<bos>c", false);
  EXPECT_EQ(std::count(as_text.begin(), as_text.end(), 8), 0);
  EXPECT_NE(std::find(as_text.begin(), as_text.end(), 1), as_text.end());  // the "b" of "bos"
}

// As Hugging Face's decode without a decoder: the tokens' texts joined by spaces.
TEST(BpeTokenizer, WithoutADecoderTokensAreJoinedWithSpaces) {
  json tokenizer_json = test::small_bpe_json();
  tokenizer_json.erase("decoder");
  EXPECT_EQ(load_json(tokenizer_json)->decode({0, 1}, false), "a b");
  EXPECT_EQ(load_json(test::small_bpe_json())->decode({0, 1}, false), "ab");
}

TEST(BpeTokenizer, IgnoreMergesTakesAWholePieceFromTheVocabulary) {
  json tokenizer_json = test::small_bpe_json();
  tokenizer_json["model"]["vocab"]["ca"] = 8;  // no merge makes "ca"
  tokenizer_json["added_tokens"][0]["id"] = 9;
  tokenizer_json["added_tokens"][1]["id"] = 10;
  tokenizer_json["post_processor"] = nullptr;
  EXPECT_EQ(load_json(tokenizer_json)->encode("ca", false), (std::vector<int32_t>{2, 0}));
  tokenizer_json["model"]["ignore_merges"] = true;
  EXPECT_EQ(load_json(tokenizer_json)->encode("ca", false), (std::vector<int32_t>{8}));
}

TEST(BpeTokenizer, UnknownCharactersAreDroppedOrBecomeUnk) {
  json tokenizer_json = test::small_bpe_json();
  // Without unk_token the x's vanish, and a, b then merge.
  EXPECT_EQ(load_json(tokenizer_json)->encode("axxb", false), (std::vector<int32_t>{4}));
  tokenizer_json["model"]["unk_token"] = "c";
  EXPECT_EQ(load_json(tokenizer_json)->encode("axxb", false), (std::vector<int32_t>{0, 2, 2, 1}));
  tokenizer_json["model"]["fuse_unk"] = true;
  EXPECT_EQ(load_json(tokenizer_json)->encode("axxb", false), (std::vector<int32_t>{0, 2, 1}));
}

TEST(BpeTokenizer, TokenizerConfigOverridesTheTemplate) {
  auto plain = load_json(test::small_bpe_json(), R"({"add_bos_token": false})");
  EXPECT_EQ(plain->encode("ab", true), (std::vector<int32_t>{4, 9}));
  auto swapped = load_json(test::small_bpe_json(),
                           R"({"add_bos_token": true, "add_eos_token": false, "bos_token": {"content": "<eos>"},
                               "eos_token": "<bos>", "pad_token": "a"})");
  EXPECT_EQ(swapped->encode("ab", true), (std::vector<int32_t>{9, 4}));
  EXPECT_EQ(swapped->bos_id, 9);
  EXPECT_EQ(swapped->eos_id, 8);
  EXPECT_EQ(swapped->pad_id, 0);
}

TEST(BpeTokenizer, SpecialTokensMapFillsWhatTheConfigLeavesOut) {
  auto dir = test::scratch_dir();
  test::write_text_file(dir / "tokenizer.json", test::small_bpe_json().dump());
  test::write_text_file(dir / "tokenizer_config.json", R"({"eos_token": "<eos>"})");
  test::write_text_file(dir / "special_tokens_map.json", R"({"eos_token": "<bos>", "pad_token": "b"})");
  auto tokenizer = load_tokenizer(dir);
  EXPECT_EQ(tokenizer->eos_id, 9);
  EXPECT_EQ(tokenizer->pad_id, 1);
}

TEST(BpeTokenizer, EncodesFromManyThreadsAlike) {
  auto tokenizer = load_json(test::small_bpe_json());
  std::vector<int32_t> expected = tokenizer->encode("abc ab a<eos>abc", false);
  std::vector<std::thread> threads;
  std::vector<bool> same(4, false);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      bool all_same = true;
      for (int i = 0; i < 200; ++i) all_same = all_same && tokenizer->encode("abc ab a<eos>abc", false) == expected;
      same[t] = all_same;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(same, std::vector<bool>(4, true));
}

TEST(BpeTokenizer, RefusesIdsOutOfRangeAndInvalidUtf8) {
  auto tokenizer = load_json(test::small_bpe_json());
  EXPECT_THROW(tokenizer->decode({0, 10}, false), Error);
  EXPECT_THROW(tokenizer->decode({-1}, true), Error);
  EXPECT_THROW(tokenizer->id_to_token(10), Error);
  EXPECT_THROW(tokenizer->id_to_token(-5), Error);
  EXPECT_THROW(tokenizer->encode("a\xFF" "b", false), Error);
  EXPECT_THROW(tokenizer->encode("\xC3", false), Error);
}

// Hugging Face runs pre-tokenizer regexes with Oniguruma, whose \s includes U+0085 (NEL).
TEST(BpeRegex, WhiteSpaceIncludesNextLineAsInOniguruma) {
  EXPECT_EQ(with_oniguruma_white_space(R"(\s+(?!\S)|[^\s\p{L}]+|[]\s]|\\s)"),
            R"([\s\x{85}]+(?![^\s\x{85}])|[^\s\x{85}\p{L}]+|[]\s\x{85}]|\\s)");
  Regex regex(R"(\s+)");
  std::vector<Match> matches = regex.find_all("a\u0085\u00a0b");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].begin, 1u);
  EXPECT_EQ(matches[0].end, 5u);
}

}  // namespace
}  // namespace lethe::tokenizer
