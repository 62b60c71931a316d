// tokenizer.json, tokenizer_config.json and tokenizer.model are user input: every malformed one
// must give a lethe::Error naming the file (and the field), never a crash. Also run with random
// corruptions of valid files under AddressSanitizer.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "io/file.h"
#include "test_util.h"
#include "tokenizer/reference_runners.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_test_support.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

using nlohmann::json;

// Loads dir and expects a lethe::Error whose message names file and contains every part.
void expect_load_error(const std::filesystem::path& dir, const std::filesystem::path& file,
                       std::initializer_list<const char*> parts) {
  try {
    load_tokenizer(dir);
    ADD_FAILURE() << "loaded without error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    for (const char* part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

// Writes the small valid tokenizer.json after edit and expects loading it to fail with parts.
void expect_json_error(const std::function<void(json&)>& edit, std::initializer_list<const char*> parts) {
  auto dir = test::scratch_dir();
  json tokenizer_json = test::small_bpe_json();
  edit(tokenizer_json);
  test::write_text_file(dir / "tokenizer.json", tokenizer_json.dump());
  expect_load_error(dir, dir / "tokenizer.json", parts);
}

TEST(TokenizerMalformed, BadJson) {
  auto dir = test::scratch_dir();
  test::write_text_file(dir / "tokenizer.json", R"({"model": {"type": "BPE", "vocab": {"a": 0},)");
  expect_load_error(dir, dir / "tokenizer.json", {"invalid JSON"});
}

TEST(TokenizerMalformed, ModelNotBpe) {
  expect_json_error([](json& j) { j["model"]["type"] = "WordPiece"; }, {"model.type", "WordPiece"});
}

TEST(TokenizerMalformed, ModelNotAnObject) {
  expect_json_error([](json& j) { j["model"] = 3; }, {"model", "expected an object"});
}

TEST(TokenizerMalformed, MissingVocab) {
  expect_json_error([](json& j) { j["model"].erase("vocab"); }, {"model", "missing \"vocab\""});
}

TEST(TokenizerMalformed, MergeNamingAnUnknownToken) {
  expect_json_error([](json& j) { j["model"]["merges"].push_back("a z"); }, {"model.merges[4]", "\"z\""});
  expect_json_error([](json& j) { j["model"]["merges"].push_back("c a"); }, {"model.merges[4]", "\"ca\""});
  expect_json_error([](json& j) { j["model"]["merges"].push_back("nospace"); }, {"model.merges[4]"});
  expect_json_error([](json& j) { j["model"]["merges"].push_back(json::array({"a"})); }, {"model.merges[4]", "pair"});
  expect_json_error([](json& j) { j["model"]["merges"].push_back(5); }, {"model.merges[4]"});
}

TEST(TokenizerMalformed, VocabularyIds) {
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = 0; }, {"model.vocab", "also the id of"});
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = "1"; }, {"model.vocab.b", "integer"});
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = -1; }, {"model.vocab.b", "out of range"});
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = 2147483647; }, {"model.vocab.b", "out of range"});
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = 1e300; }, {"model.vocab.b", "integer"});
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = 18446744073709551615ULL; }, {"model.vocab.b", "out of range"});
  expect_json_error([](json& j) { j["model"]["vocab"]["b"] = 8; }, {"model.vocab.b", "out of range"});
  expect_json_error([](json& j) { j["model"]["vocab"] = json::object(); }, {"model.vocab", "empty"});
  expect_json_error([](json& j) { j["model"]["vocab"] = json::array(); }, {"model.vocab", "object"});
}

TEST(TokenizerMalformed, UnsupportedPreTokenizer) {
  expect_json_error([](json& j) { j["pre_tokenizer"] = {{"type", "Whitespace"}}; },
                    {"pre_tokenizer", "unsupported pre_tokenizer type \"Whitespace\""});
  expect_json_error([](json& j) { j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Bert"}}}}}; },
                    {"pre_tokenizer.pretokenizers[0]", "Bert"});
  expect_json_error(
      [](json& j) {
        j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
      },
      {"pre_tokenizer.pattern", "invalid regex"});
  expect_json_error(
      [](json& j) {
        j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "a"}}}, {"behavior", "MergedWithNext"}};
      },
      {"pre_tokenizer.behavior", "MergedWithNext"});
}

TEST(TokenizerMalformed, UnsupportedNormalizerDecoderPostProcessor) {
  expect_json_error([](json& j) { j["normalizer"] = {{"type", "NFKC"}}; }, {"normalizer", "unsupported normalizer NFKC"});
  expect_json_error([](json& j) { j["decoder"] = {{"type", "WordPiece"}}; }, {"decoder", "WordPiece"});
  expect_json_error([](json& j) { j["post_processor"] = {{"type", "BertProcessing"}}; }, {"post_processor", "BertProcessing"});
  expect_json_error([](json& j) { j["post_processor"]["special_tokens"]["<bos>"]["ids"][0] = 99; },
                    {"post_processor.special_tokens.<bos>.ids[0]", "beyond the vocabulary"});
  expect_json_error([](json& j) { j["post_processor"]["single"][0]["SpecialToken"]["id"] = "<cls>"; },
                    {"post_processor.single[0].SpecialToken.id", "<cls>"});
}

TEST(TokenizerMalformed, AddedTokenIds) {
  expect_json_error([](json& j) { j["added_tokens"][1]["id"] = 99; }, {"added_tokens[1].id", "99", "<eos>"});
  expect_json_error([](json& j) { j["added_tokens"][1]["id"] = 8; }, {"added_tokens[1].id"});
  expect_json_error([](json& j) { j["added_tokens"][0]["id"] = 1; }, {"added_tokens[0].id"});
  expect_json_error([](json& j) { j["added_tokens"][0]["id"] = nullptr; }, {"added_tokens[0]", "missing \"id\""});
  expect_json_error([](json& j) { j["added_tokens"][1]["content"] = "<bos>"; }, {"added_tokens[1].content", "twice"});
  expect_json_error([](json& j) { j["added_tokens"][1]["content"] = ""; }, {"added_tokens[1].content", "empty"});
  expect_json_error([](json& j) { j["added_tokens"][1]["lstrip"] = "yes"; }, {"added_tokens[1].lstrip", "true or false"});
  expect_json_error([](json& j) { j["added_tokens"] = {{"content", "x"}}; }, {"added_tokens", "array"});
}

TEST(TokenizerMalformed, DeeplyNestedSequence) {
  auto dir = test::scratch_dir();
  constexpr int kLevels = 100000;
  std::string pre_tokenizer;
  for (int i = 0; i < kLevels; ++i) pre_tokenizer += R"({"type": "Sequence", "pretokenizers": [)";
  pre_tokenizer += R"({"type": "ByteLevel"})";
  for (int i = 0; i < kLevels; ++i) pre_tokenizer += "]}";
  std::string text = test::small_bpe_json().dump();
  const std::string key = R"("pre_tokenizer":)";
  std::size_t at = text.find(key) + key.size();
  text.replace(at, text.find("},", at) + 1 - at, pre_tokenizer);
  test::write_text_file(dir / "tokenizer.json", text);
  expect_load_error(dir, dir / "tokenizer.json", {"nested more than"});
}

TEST(TokenizerMalformed, SentencePieceStyleFields) {
  expect_json_error([](json& j) {
    j["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "sometimes"}};
  }, {"prepend_scheme", "sometimes"});
  expect_json_error([](json& j) { j["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", ""}}; },
                    {"replacement", "is empty"});
  expect_json_error([](json& j) { j["normalizer"] = {{"type", "Prepend"}}; }, {"prepend"});
  expect_json_error([](json& j) { j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"Glob", "*"}}}, {"content", ""}}; },
                    {"pattern", "expected {\"Regex\""});
  expect_json_error([](json& j) {
    j["decoder"] = {{"type", "Strip"}, {"content", "ab"}, {"start", 1}, {"stop", 0}};
  }, {"content", "one character"});
}

TEST(TokenizerMalformed, TokenizerConfig) {
  auto dir = test::scratch_dir();
  test::write_text_file(dir / "tokenizer.json", test::small_bpe_json().dump());
  test::write_text_file(dir / "tokenizer_config.json", "{\"bos_token\": ");
  expect_load_error(dir, dir / "tokenizer_config.json", {"invalid JSON"});
  test::write_text_file(dir / "tokenizer_config.json", R"({"bos_token": "<nope>"})");
  expect_load_error(dir, dir / "tokenizer_config.json", {"bos_token", "<nope>"});
  test::write_text_file(dir / "tokenizer_config.json", R"({"add_bos_token": "yes"})");
  expect_load_error(dir, dir / "tokenizer_config.json", {"add_bos_token"});
  test::write_text_file(dir / "tokenizer_config.json", R"({"eos_token": {"text": "<eos>"}})");
  expect_load_error(dir, dir / "tokenizer_config.json", {"eos_token", "content"});
  test::write_text_file(dir / "tokenizer_config.json", "[]");
  expect_load_error(dir, dir / "tokenizer_config.json", {"object"});
}

TEST(TokenizerMalformed, GarbageTokenizerModel) {
  auto dir = test::scratch_dir();
  for (std::string bytes : {std::string("this is not a protobuf \xFF\xFE\x00\x01", 27), std::string()}) {
    test::write_text_file(dir / "tokenizer.model", bytes);
    expect_load_error(dir, dir / "tokenizer.model", {"not a SentencePiece model"});
  }
}

// Found by the fuzz target: a piece holding a NUL byte made libsentencepiece throw from its trie
// builder (the process aborted); now it is an error that names the file.
TEST(TokenizerMalformed, APieceWithANulByte) {
  auto dir = test::scratch_dir();
  test::write_text_file(dir / "tokenizer.model",
                        io::read_file(std::string(LETHE_SOURCE_DIR) + "/fuzz/corpus/sentencepiece_model/nul_in_piece.model"));
  expect_load_error(dir, dir / "tokenizer.model", {"not a SentencePiece model"});
}

TEST(TokenizerMalformed, NoTokenizerAtAll) {
  auto dir = test::scratch_dir();
  expect_load_error(dir, dir, {"tokenizer.model", "tokenizer.json"});
}

// Random byte changes and truncations of a valid tokenizer.json: a tokenizer or a lethe::Error.
TEST(TokenizerMalformed, CorruptedTokenizerJsonNeverCrashes) {
  auto dir = test::scratch_dir();
  const std::string valid = test::small_bpe_json().dump();
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    std::string bytes = valid;
    if (round % 3 == 0) bytes.resize(random() % bytes.size());
    for (int k = 0; k < 1 + round % 4; ++k)
      if (!bytes.empty()) bytes[random() % bytes.size()] = static_cast<char>(random() % 256);
    test::write_text_file(dir / "tokenizer.json", bytes);
    try {
      auto tokenizer = load_tokenizer(dir);
      tokenizer->decode(tokenizer->encode("abc ab<eos> a", true), true);
    } catch (const Error&) {
    }
  }
}

// Truncated and bit-flipped SentencePiece models: a tokenizer or a lethe::Error.
TEST(TokenizerMalformed, CorruptedTokenizerModelNeverCrashes) {
  auto dir = test::scratch_dir();
  test::train_sentencepiece(test::write_training_corpus(dir), dir / "trained");
  const std::string valid = io::read_file(dir / "trained" / "tokenizer.model");
  std::mt19937 random(11);
  for (int round = 0; round < 60; ++round) {
    std::string bytes = valid;
    if (round % 2 == 0) bytes.resize(random() % bytes.size());
    else bytes[random() % bytes.size()] ^= static_cast<char>(1 + random() % 255);
    test::write_text_file(dir / "tokenizer.model", bytes);
    try {
      auto tokenizer = load_tokenizer(dir);
      tokenizer->decode(tokenizer->encode("Hello world 😀", true), true);
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace lethe::tokenizer
