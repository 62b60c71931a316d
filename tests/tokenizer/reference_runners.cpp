#include "tokenizer/reference_runners.h"

#include <gtest/gtest.h>
#include <sentencepiece_trainer.h>

#include <nlohmann/json.hpp>

#include "io/file.h"
#include "test_util.h"
#include "tokenizer/tokenizer_test_support.h"

namespace lethe::test {
namespace {

std::string quoted(const std::filesystem::path& path) {
  std::string out = "'";
  for (char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<HfEncoding> run_hf_reference(const std::string& variant, const std::filesystem::path& corpus,
                                         const std::vector<std::string>& texts, const std::filesystem::path& dir) {
  const std::filesystem::path modules(LETHE_NODE_MODULES);
  if (!std::filesystem::exists(modules / "tokenizers")) {
    ADD_FAILURE() << modules / "tokenizers" << " is missing: run these tests through ctest (its npm fixture "
                  << "installs it) or: npm install --prefix " << modules.parent_path() << " tokenizers@0.23.2";
    return {};
  }
  std::filesystem::path script = std::filesystem::path(LETHE_SOURCE_DIR) / "tests/reference/hf_tokenizer.js";
  std::filesystem::path texts_json = write_texts_json(dir.parent_path(), texts);
  CommandResult result = run_command("node " + quoted(script) + " " + quoted(modules) + " " + variant + " " +
                                     quoted(corpus) + " " + quoted(texts_json) + " " + quoted(dir));
  if (result.exit_code != 0) {
    ADD_FAILURE() << "hf_tokenizer.js " << variant << " failed:\n" << result.all();
    return {};
  }
  nlohmann::json reference = io::read_json(dir / "reference.json");
  std::vector<HfEncoding> encodings;
  for (const auto& entry : reference)
    encodings.push_back({entry.at("plain").get<std::vector<int32_t>>(), entry.at("special").get<std::vector<int32_t>>(),
                         entry.at("decoded").get<std::string>(), entry.at("decoded_skipping_special").get<std::string>()});
  EXPECT_EQ(encodings.size(), texts.size());
  return encodings;
}

void train_sentencepiece(const std::filesystem::path& corpus, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  sentencepiece::util::Status status = sentencepiece::SentencePieceTrainer::Train(
      "--input=" + corpus.string() + " --model_prefix=" + (dir / "tokenizer").string() +
      " --vocab_size=600 --model_type=bpe --byte_fallback=true --pad_id=3 --minloglevel=2");
  ASSERT_TRUE(status.ok()) << status.ToString();
}

SpReference run_sp_reference(const std::filesystem::path& model, const std::vector<std::string>& texts) {
  std::filesystem::path dir = model.parent_path();
  std::filesystem::path texts_json = write_texts_json(dir, texts);
  std::filesystem::path out = dir / "sp_reference.json";
  run_python("sp_encode.py", quoted(model) + " " + quoted(texts_json) + " " + quoted(out));
  SpReference reference;
  if (!std::filesystem::exists(out)) return reference;
  nlohmann::json json = io::read_json(out);
  reference.bos_id = json.at("bos_id");
  reference.eos_id = json.at("eos_id");
  reference.pad_id = json.at("pad_id");
  reference.unk_id = json.at("unk_id");
  reference.vocab_size = json.at("vocab_size");
  for (const auto& entry : json.at("encodings")) {
    reference.ids.push_back(entry.at("ids").get<std::vector<int32_t>>());
    reference.decoded.push_back(entry.at("decoded").get<std::string>());
  }
  EXPECT_EQ(reference.ids.size(), texts.size());
  return reference;
}

}  // namespace lethe::test
