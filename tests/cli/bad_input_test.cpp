// Bad input across every command, as a table: each row is a command line, the exit code it must
// end with (1: a bad input; 2: a command line that does not parse or a value outside its range)
// and a fragment of the message, which must name the option, key or file at fault. No row may
// crash, run past 30 s or exit 0. Adding a case is one line.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "cli/model_fixtures.h"
#include "io/file.h"

namespace lethe {
namespace {

namespace fs = std::filesystem;

struct BadInput {
  std::string arguments;  // after `lethe`; {model}, {dir}, ... are replaced by the files below
  int exit_code;
  std::string message;  // a fragment of stderr
};

const std::vector<BadInput>& bad_inputs() {
  const std::string pretrain = "pretrain --init {model} --tokenizer {model} --data {text} --out {dir}/p ";
  const std::string reinforce = "reinforce {model} --forget {text} --out {dir}/r ";
  const std::string generate = "generate {model} -p 'the old' ";
  const std::string labels =
      "labels --base {model} --reinforced {model} --forget {text} --dictionary {dict} --out {dir}/l.bin ";
  const std::string eval = "eval --models a={model} --suite {suite} ";
  static const std::vector<BadInput> cases = {
      // pretrain: every trainer option is checked while parsing
      {pretrain + "--log-every 0", 2, "--log-every: must be at least 1, not 0"},
      {pretrain + "--checkpoint-every 0", 2, "--checkpoint-every"},
      {pretrain + "--steps 0", 2, "--steps"},
      {pretrain + "--batch-size 0", 2, "--batch-size"},
      {pretrain + "--accumulation 0", 2, "--accumulation"},
      {pretrain + "--lr nan", 2, "--lr: must be at least 0, not nan"},
      {pretrain + "--lr -1", 2, "--lr"},
      {pretrain + "--lr inf", 2, "--lr"},
      {pretrain + "--min-lr-ratio 2", 2, "--min-lr-ratio"},
      {pretrain + "--warmup -1", 2, "--warmup"},
      {pretrain + "--weight-decay nan", 2, "--weight-decay"},
      {pretrain + "--grad-clip -1", 2, "--grad-clip"},
      {pretrain + "--eval-every -1", 2, "--eval-every"},
      {pretrain + "--sequence 0", 2, "--sequence"},
      {pretrain + "--sequence 1000", 1, "--sequence 1000 is longer than the model's context of 64"},
      {pretrain + "--save-dtype float64", 2, "--save-dtype"},
      {pretrain + "--dtype float64", 2, "--dtype"},
      {pretrain + "--threads -1", 2, "--threads"},
      {"pretrain --init {model} --tokenizer {model} --data {empty} --out {dir}/p --sequence 32", 1, "--data"},
      {"pretrain --init {model} --tokenizer {model} --data {dir}/missing.txt --out {dir}/p --sequence 32", 1,
       "missing.txt"},
      {"pretrain --config {dir}/missing.json --tokenizer {model} --data {text} --out {dir}/p", 1, "missing.json"},
      {"pretrain --config {huge}/config.json --tokenizer {model} --data {text} --out {dir}/p --sequence 32", 1,
       "memory this machine has available"},
      {"pretrain --tokenizer {model} --data {text} --out {dir}/p", 1, "--config"},
      // reinforce
      {reinforce + "--log-every 0", 2, "--log-every"},
      {reinforce + "--checkpoint-every 0", 2, "--checkpoint-every"},
      {reinforce + "--epochs -1", 2, "--epochs"},
      {reinforce + "--epochs nan", 2, "--epochs"},
      {reinforce + "--epochs 0", 2, "--epochs: must be greater than 0"},
      {reinforce + "--block-length 1", 2, "--block-length"},
      {reinforce + "--save-dtype float64", 2, "--save-dtype"},
      {reinforce + "--save-dtype auto", 2, "--save-dtype"},
      {"reinforce {model} --forget {empty} --out {dir}/r", 1, "--forget"},
      {"reinforce {nan} --forget {text} --out {dir}/r", 1, "NaN"},
      // generate
      {generate + "-t nan", 2, "--temperature"},
      {generate + "-t -1", 2, "--temperature"},
      {generate + "-t 1 --top-p 0", 2, "--top-p"},
      {generate + "-t 1 --top-p -0.5", 2, "--top-p"},
      {generate + "-t 1 --top-p 1.5", 2, "--top-p"},
      {generate + "--top-k -1", 2, "--top-k"},
      {generate + "-n -1", 2, "--max-tokens"},
      {generate + "-n 0", 2, "--max-tokens"},
      {generate + "-n 10000000", 1, "exceed the model's context of 64"},
      {generate + "--stop ''", 1, "--stop"},
      {"generate {nan} -p 'the'", 1, "holds NaN or infinite values"},
      {"generate {dir}/no-model -p 'the'", 1, "no-model"},
      {"generate {model}", 2, "--prompt"},
      // perplexity
      {"perplexity {model} {empty}", 1, "no text to score"},
      {"perplexity {model} {text} --context 0", 2, "--context"},
      {"perplexity {model} {text} --context 1", 2, "--context"},
      {"perplexity {model} {text} --stride 0", 2, "--stride"},
      {"perplexity {model} {text} --context 32 --stride 100", 1, "--stride 100 is more than --context 32"},
      {"perplexity {model} {text} --batch-size 0", 2, "--batch-size"},
      {"perplexity {nan} {text}", 1, "NaN"},
      {"perplexity {model} {dir}/missing.txt", 1, "missing.txt"},
      // eval: everything named and checked before the first model is evaluated
      {eval + "--completion-tokens 0", 2, "--completion-tokens"},
      {eval + "--out /proc/lethe-report/report.json", 1, "/proc/lethe-report"},
      {eval + "--out {dir}", 1, "is a folder"},
      {"eval --models a={model},a={model} --suite {suite}", 1, "the name \"a\" is used twice"},
      {"eval --models {model} --suite {suite}", 1, "NAME=PATH"},
      {"eval --models a={model},b={dir}/gone --suite {suite}", 1, "gone"},
      {eval + "--limit -1", 2, "--limit"},
      {eval + "--batch-size 0", 2, "--batch-size"},
      {eval + "--min-k 0", 2, "--min-k"},
      {eval + "--min-k 1.5", 2, "--min-k"},
      {eval + "--relearn-lr 0", 2, "--relearn-lr"},
      {eval + "--relearn-steps -3", 2, "--relearn-steps"},
      {"eval --models a={model} --suite {dir}/no-suite", 1, "--suite"},
      {"eval --models a={nan} --suite {suite}", 1, "NaN"},
      // labels
      {labels + "--alpha nan", 2, "--alpha"},
      {labels + "--alpha -1", 2, "--alpha"},
      {labels + "--block-length 1", 2, "--block-length"},
      {labels + "--translations 0", 2, "--translations"},
      {labels + "--soft-top-k 100000", 1, "--soft-top-k 100000 is more than the vocabulary's 320 tokens"},
      {labels + "--soft-top-k -1", 2, "--soft-top-k"},
      {labels + "--temperature 0", 2, "--temperature"},
      {labels + "--batch-size 0", 2, "--batch-size"},
      {"labels --base {model} --reinforced {model} --forget {text} --dictionary {dict} --out {dir}", 1,
       "is a folder"},
      {"labels --base {model} --reinforced {other} --forget {text} --dictionary {dict} --out {dir}/l.bin", 1,
       "its tokenizer differs from the base's"},
      {"labels --base {model} --reinforced {model} --forget {empty} --dictionary {dict} --out {dir}/l.bin", 1,
       "fewer than one block"},
      {"labels --base {model} --reinforced {model} --forget {text} --dictionary {dir}/bad.json --out {dir}/l.bin",
       1, "bad.json"},
      // unlearn: the TOML file's values, with file, line and key, before stage 1
      {"unlearn --config {dir}", 1, "not a file"},
      {"unlearn --config {toml:[labels]\nalpha = []}", 1, "labels.alpha must list at least one number"},
      {"unlearn --config {toml:[labels]\nalpha = nan}", 1, "labels.alpha must be at least 0, not nan"},
      {"unlearn --config {toml:save_dtype = \"float64\"}", 1, "save_dtype unknown dtype 'float64'"},
      {"unlearn --config {toml:batch_size = 0}", 1, ".toml:6: batch_size must be at least 1, not 0"},
      {"unlearn --config {toml:accumulation = 0}", 1, "accumulation"},
      {"unlearn --config {toml:block_length = 1}", 1, "block_length"},
      {"unlearn --config {toml:seed = -1}", 1, "seed"},
      {"unlearn --config {toml:[reinforce]\nepochs = -1}", 1, "reinforce.epochs"},
      {"unlearn --config {toml:[finetune]\nepochs = 0}", 1, "finetune.epochs"},
      {"unlearn --config {toml:[finetune]\nlr = nan}", 1, "finetune.lr"},
      {"unlearn --config {toml:[finetune]\nretain_weight = -1}", 1, "finetune.retain_weight"},
      {"unlearn --config {toml:[labels]\ntranslations = 0}", 1, "labels.translations"},
      {"unlearn --config {toml:[labels]\ntemperature = 0}", 1, "labels.temperature"},
      {"unlearn --config {toml:[labels]\nsoft_top_k = 100000}", 1, "soft_top_k 100000 is more than the vocabulary"},
      {"unlearn --config {toml:[eval]\nevery = -1}", 1, "eval.every"},
      {"unlearn --config {toml:[eval]\nlimit = -1}", 1, "eval.limit"},
      {"unlearn --dtype bfloat16 --config {toml:seed = 1}", 1, "--dtype bfloat16: lethe unlearn trains in float32"},
      {"unlearn --config {toml:learning_rate = 1}", 1, "learning_rate is not a setting"},
      // compare: its own file (tests/compare/compare_config_test.cpp has the rest)
      {"compare --config {dir}", 1, "not a file; give a compare TOML file"},
      {"compare --dtype bfloat16 --config {dir}", 1, "--dtype bfloat16: lethe compare trains and evaluates in float32"},
      // info cross-checks config and tensors as loading does
      {"info {layers}", 1, "is missing (config.json: 1000000000 layers"},
      {"info {wide}", 1, "has shape"},
      {"info {fractional}", 1, "field 'hidden_size' must be an integer, not 384.5"},
      {"info {no_positions}", 1, "field 'max_position_embeddings' must be positive"},
      {"info {overflow}", 1, "overflows"},
      {"info {extra}", 1, "unexpected tensor"},
      {"info {fewer_layers}", 1, "unexpected tensor"},
      {"info {int16}", 1, "not a floating-point weight type"},
      {"generate {layers} -p 'the'", 1, "is missing"},
      {"generate {wide} -p 'the'", 1, "has shape"},
      {"perplexity {overflow} {text}", 1, "overflows"},
      // the other commands
      {"tokenize {dir}/no-model --text hi", 1, "no-model"},
      {"tokenizer train --input {text} --vocab-size 0 --out {dir}/t", 2, "--vocab-size"},
      {"tokenizer train --input {text} --vocab-size 300 --character-coverage 0 --out {dir}/t", 2,
       "--character-coverage"},
      {"tokenizer train --input {text} --vocab-size 300 --out /proc/lethe-tokenizer", 1, "/proc/lethe-tokenizer"},
      {"world generate --out {dir}/w --chapters 0", 2, "--chapters"},
      {"world generate --out /proc/lethe-world", 1, "/proc/lethe-world"},
      {"world generate --out {dir}/w --hero-name 'laura k'", 1, "--hero-name must be one capitalised word"},
      {"anchors --forget {text} --min-count 0", 2, "--min-count"},
      {"anchors --forget {text} --substitutes 9", 2, "--substitutes"},
      {"anchors --dictionary {dir}/bad.json", 1, "bad.json"},
      {"export {model} --gguf {dir}/m.gguf --type q4_0", 2, "--type"},
      {"export {dir}/no-model --gguf {dir}/m.gguf", 2, "no-model"},
      {"export {model}", 2, "--gguf"},
      {"export {model} --gguf /proc/lethe.gguf", 1, "/proc: cannot write files"},
      {"export {layers} --gguf {dir}/m.gguf", 1, "is missing"},
      {"export {model} --gguf {dir}", 1, "is a folder"},
      {"no-such-command", 2, "unknown command 'no-such-command'"},
      {"info --no-such-flag", 2, "--no-such-flag"},
  };
  return cases;
}

// The files the rows name. {toml:LINES} becomes a pipeline file with the valid settings and LINES.
class BadInputs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::scratch_dir());
    const fs::path& d = *dir_;
    test::make_tiny_model(d / "model");
    test::make_tiny_model(d / "other", 300);
    fs::create_directories(d / "suite");
    std::ofstream(d / "empty.txt").close();
    std::ofstream(d / "dict.json") << R"({"wizard": ["man"]})";
    std::ofstream(d / "bad.json") << R"({"wizard": [})";
    auto copy = [&](const char* name, const std::function<void(const fs::path&)>& damage) {
      fs::copy(d / "model", d / name, fs::copy_options::recursive);
      damage(d / name);
    };
    copy("nan", [](const fs::path& m) {
      test::rewrite_tensors(m, [](auto& t) {
        static float values[32];
        std::fill(values, values + 32, std::numeric_limits<float>::quiet_NaN());
        for (auto& x : t)
          if (x.name == "model.norm.weight") x.data = values;
      });
    });
    auto config = [&](const char* name, const std::function<void(nlohmann::json&)>& edit) {
      copy(name, [&](const fs::path& m) { test::rewrite_config(m, edit); });
    };
    config("layers", [](auto& c) { c["num_hidden_layers"] = 1000000000; });
    config("wide", [](auto& c) { c["hidden_size"] = 200000; });
    config("fractional", [](auto& c) { c["hidden_size"] = 384.5; });
    config("no_positions", [](auto& c) { c["max_position_embeddings"] = 0; });
    config("overflow", [](auto& c) { c["hidden_size"] = 4000000000000LL; });
    config("huge", [](auto& c) {
      c["num_hidden_layers"] = 1000000;
      c["hidden_size"] = 4096;
      c["intermediate_size"] = 11008;
      c["num_attention_heads"] = 32;
      c["num_key_value_heads"] = 32;
    });
    config("fewer_layers", [](auto& c) { c["num_hidden_layers"] = 1; });
    copy("extra", [](const fs::path& m) {
      static float extra[4] = {1, 2, 3, 4};
      test::rewrite_tensors(m, [](auto& t) { t.push_back({"model.layers.9.extra", io::DType::F32, {4}, extra, 16}); });
    });
    copy("int16", [](const fs::path& m) {
      test::rewrite_tensors(m, [](auto& t) {
        for (auto& x : t)
          if (x.name == "model.norm.weight") {
            x.dtype = io::DType::I16;
            x.shape = {64};
          }
      });
    });
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string expand(std::string arguments) {
    const fs::path& d = *dir_;
    for (size_t at; (at = arguments.find("{toml:")) != std::string::npos;) {
      size_t end = arguments.find('}', at);
      fs::path file = d / ("config-" + std::to_string(at) + "-" + std::to_string(arguments.size()) + ".toml");
      std::ofstream(file) << "preset = \"whp\"\nbase = \"model\"\nforget = \"model/corpus.txt\"\n"
                          << "dictionary = \"dict.json\"\nout = \"run\"\n"
                          << arguments.substr(at + 6, end - at - 6) << "\n";
      arguments.replace(at, end - at + 1, file.string());
    }
    for (const char* name : {"model", "other", "nan", "layers", "wide", "fractional", "no_positions", "overflow",
                             "huge", "fewer_layers", "extra", "int16", "suite"})
      replace_all(arguments, std::string("{") + name + "}", (d / name).string());
    replace_all(arguments, "{text}", (d / "model" / "corpus.txt").string());
    replace_all(arguments, "{empty}", (d / "empty.txt").string());
    replace_all(arguments, "{dict}", (d / "dict.json").string());
    replace_all(arguments, "{dir}", d.string());
    return arguments;
  }
  static void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
  }

  static fs::path* dir_;
};
fs::path* BadInputs::dir_ = nullptr;

TEST_F(BadInputs, EveryCaseEndsWithItsCodeAndNamesTheCulprit) {
  EXPECT_GE(bad_inputs().size(), 80u);
  for (const auto& bad : bad_inputs()) {
    const std::string arguments = expand(bad.arguments);
    auto result = test::run_command("timeout 30 " + std::string(LETHE_EXE) + " " + arguments);
    SCOPED_TRACE("lethe " + arguments);
    EXPECT_NE(result.exit_code, 124) << "ran past 30 s";
    EXPECT_EQ(result.exit_code, bad.exit_code) << result.all();
    const size_t error = result.diagnostics.find("lethe: error: ");
    ASSERT_NE(error, std::string::npos) << result.all();
    EXPECT_NE(result.diagnostics.find(bad.message, error), std::string::npos)
        << "expected \"" << bad.message << "\" in\n" << result.diagnostics;
  }
}

}  // namespace
}  // namespace lethe
