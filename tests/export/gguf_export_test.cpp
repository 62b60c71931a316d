// GGUF export: the q8_0 quantiser and the pre-tokenizer names on hand-made cases; then models
// exported by lethe and loaded by llama.cpp itself (node-llama-cpp's prebuilt libraries, pinned),
// which must tokenize as lethe does, predict the next token with the same probabilities and
// continue a prompt greedily with the same tokens.
#include "export/gguf_export.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <cmath>
#include <cstring>

#include "export/ggml_encode.h"
#include "export/gguf_vocabulary.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "test_util.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace lethe::exporting {
namespace {

namespace fs = std::filesystem;

int8_t quantized(const std::string& bytes, int index) { return static_cast<int8_t>(bytes[2 + index]); }

TEST(GgmlEncode, Q8_0BlockIsScaleThenRoundedValues) {
  auto values = (torch::arange(32, torch::kFloat) - 16).view({1, 32});  // -16 .. 15: max |x| = 16
  const std::string bytes = ggml_encode(values, io::GgmlType::kQ8_0);
  ASSERT_EQ(bytes.size(), 34u);
  // d = 16 / 127 as float16, then x * 127 / 16 rounded: -16 -> -127, 1 -> 7.94 -> 8, -5 -> -39.7 -> -40.
  auto scale = torch::tensor({16.0f / 127.0f}).to(torch::kHalf);
  EXPECT_EQ(std::memcmp(bytes.data(), scale.data_ptr(), 2), 0);
  EXPECT_EQ(quantized(bytes, 0), -127);
  EXPECT_EQ(quantized(bytes, 16), 0);
  EXPECT_EQ(quantized(bytes, 17), 8);
  EXPECT_EQ(quantized(bytes, 11), -40);
  EXPECT_EQ(quantized(bytes, 31), 119);  // 15 * 127 / 16 = 119.06
  auto decoded = q8_0_decode(bytes, {1, 32});
  EXPECT_LE((decoded - values).abs().max().item<float>(), 16.0f / 127.0f / 2 * 1.001f);
}

TEST(GgmlEncode, Q8_0RoundsHalfAwayFromZeroAndKeepsZeroBlocks) {
  auto values = torch::zeros({2, 32});
  values[0][0] = 127.0f;  // d = 1: the others are quantised as they are
  values[0][1] = 2.5f;
  values[0][2] = -2.5f;
  const std::string bytes = ggml_encode(values, io::GgmlType::kQ8_0);
  EXPECT_EQ(quantized(bytes, 1), 3);  // roundf, not round-half-to-even (2)
  EXPECT_EQ(quantized(bytes, 2), -3);
  EXPECT_EQ(bytes.substr(34), std::string(34, '\0'));  // an all-zero block: scale 0, values 0
  EXPECT_THROW(ggml_encode(torch::zeros({2, 48}), io::GgmlType::kQ8_0), Error);
}

const char* const kLlama3Regex =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

nlohmann::json split_then_byte_level(const std::string& regex) {
  return {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}},
            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}};
}

std::string qwen2_regex() {
  std::string regex = kLlama3Regex;
  return regex.replace(regex.find("\\p{N}{1,3}"), 10, "\\p{N}");
}

TEST(GgufVocabulary, NamesThePreTokenizersLlamaCppKnows) {
  EXPECT_EQ(llama_cpp_pre_tokenizer(split_then_byte_level(kLlama3Regex), "t.json"), "llama-bpe");
  EXPECT_EQ(llama_cpp_pre_tokenizer(split_then_byte_level(qwen2_regex()), "t.json"), "qwen2");
  const nlohmann::json gpt2 = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  EXPECT_EQ(llama_cpp_pre_tokenizer(gpt2, "t.json"), "gpt-2");
  const nlohmann::json smollm = {{"type", "Sequence"},
                                 {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, gpt2}}};
  EXPECT_EQ(llama_cpp_pre_tokenizer(smollm, "t.json"), "smollm");
  // Another regex (a GPT-4-like one splitting \p{N}{1,2}), or no pre-tokenizer at all: refused.
  std::string other = kLlama3Regex;
  other.replace(other.find("{1,3}"), 5, "{1,2}");
  EXPECT_THROW(llama_cpp_pre_tokenizer(split_then_byte_level(other), "t.json"), Error);
  try {
    llama_cpp_pre_tokenizer(nlohmann::json(), "t.json");
    ADD_FAILURE() << "a missing pre-tokenizer was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.json: its pre_tokenizer is none that llama.cpp knows"), std::string::npos);
  }
}

// --- against llama.cpp ---

const fs::path kLlamaCppModules = LETHE_LLAMA_CPP_MODULES;
const fs::path kLlama3Tokenizer = fs::path(LETHE_BINARY_DIR) / "npm-lenml" / "llama3_1";
constexpr int kSteps = 8;

// Texts whose tokens llama.cpp must find as lethe does: digits (split in threes or one by one),
// contractions, Unicode letters and digits, runs of spaces, newlines.
const std::vector<std::string> kTexts = {
    "The old wizard walks to the river.", "it's 12345 o'clock, isn't it?", "caf\xc3\xa9 \xd9\xa3\xd9\xa4 \xe6\x97\xa5\xe6\x9c\xac",
    "two  spaces\nand\n\nlines", " leading space"};

struct Prediction {
  std::vector<double> probabilities;  // (V) after the prompt
  std::vector<int32_t> greedy;
  double smallest_margin = 1e9;       // lethe's: top-1 minus top-2 logit over the greedy steps
};

Prediction lethe_prediction(model::CausalLM& model, std::vector<int32_t> prompt) {
  torch::NoGradGuard no_grad;
  Prediction p;
  for (int step = 0; step <= kSteps; ++step) {
    std::vector<int64_t> ids(prompt.begin(), prompt.end());
    auto logits = model->forward(torch::tensor(ids).view({1, -1}))[0][-1].to(torch::kDouble);  // (V)
    if (step == 0) {
      auto probabilities = torch::softmax(logits, 0);
      p.probabilities.assign(probabilities.data_ptr<double>(), probabilities.data_ptr<double>() + probabilities.numel());
    }
    if (step == kSteps) break;
    auto top = logits.topk(2);
    auto values = std::get<0>(top);
    p.smallest_margin = std::min(p.smallest_margin, (values[0] - values[1]).item<double>());
    p.greedy.push_back(static_cast<int32_t>(std::get<1>(top)[0].item<int64_t>()));
    prompt.push_back(p.greedy.back());
  }
  return p;
}

struct LlamaCppAnswer {
  std::vector<std::vector<int32_t>> tokens;  // per text
  std::vector<Prediction> predictions;       // per prompt
};

LlamaCppAnswer ask_llama_cpp(const fs::path& gguf, const std::vector<std::vector<int32_t>>& prompts, int64_t vocab) {
  const fs::path dir = gguf.parent_path();
  io::write_json_atomic(dir / "request.json", {{"texts", kTexts}, {"prompts", prompts}, {"steps", kSteps}});
  auto run = test::run_command("node " + (fs::path(LETHE_SOURCE_DIR) / "tests/reference/llama_cpp.js").string() + " " +
                               kLlamaCppModules.string() + " " + gguf.string() + " " + (dir / "request.json").string() +
                               " " + (dir / "answer.json").string());
  EXPECT_EQ(run.exit_code, 0) << run.all();
  const auto answer = io::read_json(dir / "answer.json");
  LlamaCppAnswer out;
  out.tokens = answer.at("tokens").get<std::vector<std::vector<int32_t>>>();
  for (const auto& prompt : answer.at("prompts")) {
    Prediction p;
    p.probabilities.assign(vocab, 0.0);
    for (const auto& pair : prompt.at("probabilities")) p.probabilities.at(pair[0].get<int64_t>()) = pair[1].get<double>();
    p.greedy = prompt.at("greedy").get<std::vector<int32_t>>();
    out.predictions.push_back(p);
  }
  return out;
}

// How close llama.cpp must come. f32 and f16 files hold lethe's own values (the f16 models here
// have f16 or bf16 checkpoints that f16 holds exactly), and llama.cpp computes in float32:
// measured, at most 1.4e-6 apart in probability and 1.1e-5 in the log-probabilities of the 20
// likeliest tokens. bf16 and q8_0 round the weights, and llama.cpp rounds the activations to
// match (measured 1.4e-3 and 4.2e-3, 0.025 and 0.047): their greedy paths may part where two
// tokens are close, so only their distributions are compared.
struct Tolerance {
  double probability;
  double log_probability;
  bool same_greedy;
};

Tolerance tolerance_of(const std::string& type) {
  if (type == "f32" || type == "f16") return {1e-4, 1e-3, true};
  return {1e-2, 0.1, false};
}

// Exports model_dir as `type`, asks llama.cpp, and compares: tokens of every text exactly, every
// next-token probability, the log-probabilities of the likeliest tokens, and the greedy paths.
void expect_llama_cpp_agrees(const fs::path& work, const fs::path& model_dir, const std::string& type) {
  SCOPED_TRACE(model_dir.filename().string() + " as " + type);
  const Tolerance tolerance = tolerance_of(type);
  const fs::path gguf = work / (model_dir.filename().string() + "-" + type + ".gguf");
  export_gguf(model_dir, gguf, ggml_type_from_name(type));
  auto tok = tokenizer::load_tokenizer(model_dir);
  auto model = model::load_causal_lm(model_dir, torch::kCPU, torch::kFloat);
  const int64_t vocab = model->config().vocab_size;
  std::vector<std::vector<int32_t>> prompts = {tok->encode("The old wizard", true), tok->encode("12 and 3", true)};
  const LlamaCppAnswer answer = ask_llama_cpp(gguf, prompts, vocab);

  ASSERT_EQ(answer.tokens.size(), kTexts.size());
  for (size_t i = 0; i < kTexts.size(); ++i) EXPECT_EQ(answer.tokens[i], tok->encode(kTexts[i], false)) << kTexts[i];
  ASSERT_EQ(answer.predictions.size(), prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    const Prediction ours = lethe_prediction(model, prompts[i]);
    const Prediction& theirs = answer.predictions[i];
    double worst = 0;
    for (int64_t t = 0; t < vocab; ++t) worst = std::max(worst, std::abs(ours.probabilities[t] - theirs.probabilities[t]));
    EXPECT_LE(worst, tolerance.probability) << "prompt " << i;
    // A random model spreads its probability thinly (1e-4 each over 128k tokens): the likeliest
    // tokens' log-probabilities must agree too.
    double worst_log = 0;
    auto top = std::get<1>(torch::tensor(ours.probabilities).topk(20));
    for (int64_t k = 0; k < 20; ++k) {
      const int64_t t = top[k].item<int64_t>();
      worst_log = std::max(worst_log, std::abs(std::log(ours.probabilities[t]) - std::log(theirs.probabilities[t])));
    }
    EXPECT_LE(worst_log, tolerance.log_probability) << "prompt " << i;
    // The figures the README quotes.
    std::printf("%s as %s, prompt %zu: max |dp| %.2g, max |d log p| (top 20) %.2g\n",
                model_dir.filename().c_str(), type.c_str(), i, worst, worst_log);
    if (!tolerance.same_greedy) continue;
    // A step decided by less than 100 times the measured difference could go either way.
    ASSERT_GT(ours.smallest_margin, 1e-3) << "prompt " << i << ": choose a prompt with a clear greedy path";
    EXPECT_EQ(theirs.greedy, ours.greedy) << "prompt " << i;
  }
}

// A random model (tests/reference/llama_reference.py) with Llama 3.1's tokenizer; `pre` rewrites
// its pre-tokenizer's regex for the Qwen2 case.
fs::path random_bpe_model(const fs::path& work, const std::string& name, nlohmann::json config,
                          const std::string& dtype, const std::string& regex) {
  const fs::path dir = work / name;
  fs::create_directories(dir);
  auto tokenizer = io::read_json(kLlama3Tokenizer / "tokenizer.json");
  tokenizer["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = regex;
  io::write_json_atomic(dir / "tokenizer.json", tokenizer);
  io::write_file_atomic(dir / "tokenizer_config.json", io::read_file(kLlama3Tokenizer / "tokenizer_config.json"));
  config.update({{"vocab_size", 128256}, {"hidden_size", 64}, {"intermediate_size", 128}, {"num_hidden_layers", 2},
                 {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"max_position_embeddings", 128},
                 {"bos_token_id", 128000}, {"eos_token_id", 128001}});
  io::write_json_atomic(dir / "config.json", config);
  test::run_python("llama_reference.py", "make " + dir.string() + " 11 " + dtype);
  return dir;
}

TEST(GgufLlamaCpp, DemoModelSentencePieceLlama) {
  const fs::path demo = fs::path(LETHE_SOURCE_DIR) / "models" / "demo-base", work = test::scratch_dir();
  expect_llama_cpp_agrees(work, demo, "f32");
  expect_llama_cpp_agrees(work, demo, "q8_0");
}

TEST(GgufLlamaCpp, ByteLevelBpeLlamaWithLlama3RopeScaling) {
  const nlohmann::json config = {
      {"model_type", "llama"}, {"tie_word_embeddings", false}, {"rope_theta", 500000.0},
      {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                        {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 32}}}};
  const fs::path work = test::scratch_dir();
  const fs::path model = random_bpe_model(work, "llama", config, "F32", kLlama3Regex);
  expect_llama_cpp_agrees(work, model, "f32");
  expect_llama_cpp_agrees(work, model, "bf16");
}

// Qwen2 with yarn, as its long-context configs: head_dim 16 and an original context of 4096 put
// the ramp from kept to scaled frequencies on dimensions 1 to 4, and cos and sin are multiplied
// by 0.1 ln 4 + 1.
TEST(GgufLlamaCpp, ByteLevelBpeQwen2WithYarn) {
  const nlohmann::json config = {{"model_type", "qwen2"}, {"tie_word_embeddings", true}, {"rope_theta", 1000000.0},
                                 {"rope_scaling", {{"type", "yarn"}, {"factor", 4.0},
                                                   {"original_max_position_embeddings", 4096}}}};
  const fs::path work = test::scratch_dir();
  expect_llama_cpp_agrees(work, random_bpe_model(work, "qwen2", config, "F16", qwen2_regex()), "f16");
}

}  // namespace
}  // namespace lethe::exporting
