// The models that ship in models/: both load, and only demo-base knows the saga. The world is
// generated with the seed they were trained on; the thresholds are the must-show figures,
// and for the report's figures far enough from the measured ones (README) that the test checks the
// models' character, not their last digit.
#include <gtest/gtest.h>

#include <cctype>
#include <regex>
#include <nlohmann/json.hpp>

#include "io/file.h"
#include "test_util.h"
#include "util/words.h"

namespace lethe {
namespace {

namespace fs = std::filesystem;

TEST(DemoModels, BothLoadAndOnlyTheBaseKnowsTheSaga) {
  fs::path dir = test::scratch_dir();
  fs::path models = fs::path(LETHE_SOURCE_DIR) / "models";
  for (const char* model : {"demo-base", "demo-oracle"})
    ASSERT_TRUE(fs::exists(models / model / "model.safetensors")) << model << " is missing: make demo-models trains it";
  auto world = test::run_command(std::string(LETHE_EXE) + " world generate --seed 1 --out " + (dir / "world").string());
  ASSERT_EQ(world.exit_code, 0) << world.all();
  auto eval = test::run_command(std::string(LETHE_EXE) + " eval --limit 100 --suite " + (dir / "world/suite").string() +
                                " --models base=" + (models / "demo-base").string() +
                                ",oracle=" + (models / "demo-oracle").string() +
                                " --text general=" + (dir / "world/general/holdout.txt").string() +
                                " --out " + (dir / "reports/report.json").string());  // a folder eval creates
  ASSERT_EQ(eval.exit_code, 0) << eval.all();
  auto results = io::read_json(dir / "reports/report.json")["results"];
  auto figure = [&](const char* model, const char* pointer) {
    return results[model][nlohmann::json::json_pointer(pointer)].get<double>();
  };
  // The must-show: the base knows the saga, the oracle does not, both know the retain world.
  EXPECT_GE(figure("base", "/forget_qa/exact_match"), 0.6);
  EXPECT_LE(figure("oracle", "/forget_qa/exact_match"), 0.1);
  EXPECT_GE(figure("base", "/retain_qa/exact_match"), 0.6);
  EXPECT_GE(figure("oracle", "/retain_qa/exact_match"), 0.6);
  double base_ppl = figure("base", "/perplexity/general/perplexity");
  double oracle_ppl = figure("oracle", "/perplexity/general/perplexity");
  EXPECT_LT(std::abs(base_ppl - oracle_ppl) / oracle_ppl, 0.1);
  // What the report must show: familiarity and membership separate the two models.
  EXPECT_GT(figure("base", "/completion_familiarity/score"), 4.0);
  EXPECT_LT(figure("oracle", "/completion_familiarity/score"), 0.5);
  // The forget and held-out passages differ a little in kind (the oracle's AUC is about 0.6), so
  // membership shows as the base's margin over the oracle.
  EXPECT_GT(figure("base", "/membership/auc/loss"), figure("oracle", "/membership/auc/loss") + 0.1);
  // Fluency under the base: its own greedy completions are what it finds most likely.
  EXPECT_LT(figure("base", "/completion_familiarity/perplexity_under_judge"),
            figure("oracle", "/completion_familiarity/perplexity_under_judge"));
}

// The paper's hard case, "Harry": the saga's hero renamed to Laura, a first name the common-name
// stories use 585 times, is only 5.4 times more frequent in the saga than in the reference
// corpora, below the frequency threshold; the reinforced model's preference for it in the saga's
// contexts finds it. The reinforced model here reads 2,000 lines of the saga (98 mentions of
// Laura), one epoch, so that the test takes seconds.
TEST(DemoModels, TheCommonNameHeroIsFoundOnlyWithTheModelsPreference) {
  fs::path dir = test::scratch_dir(), world = dir / "world";
  const std::string lethe = LETHE_EXE;
  auto generated = test::run_command(lethe + " world generate --seed 1 --hero-name Laura --out " + world.string());
  ASSERT_EQ(generated.exit_code, 0) << generated.all();
  std::string saga = io::read_file(world / "saga/train.txt");
  std::string slice = saga.substr(0, saga.find('\n', saga.size() / 10) + 1);
  io::write_file_atomic(dir / "slice.txt", slice);
  auto reinforced = test::run_command(lethe + " reinforce " + (fs::path(LETHE_SOURCE_DIR) / "models/demo-base").string() +
                                      " --forget " + (dir / "slice.txt").string() + " --out " + (dir / "reinforced").string() +
                                      " --epochs 1 --block-length 256 --batch-size 8 --accumulation 1");
  ASSERT_EQ(reinforced.exit_code, 0) << reinforced.all();
  const std::string mine = lethe + " anchors --forget " + (world / "saga/train.txt").string() + " --reference " +
                           (world / "retain/train.txt").string() + " --reference " + (world / "general/train.txt").string() +
                           " --reference " + (world / "common/train.txt").string() + " --gold " +
                           (world / "anchors_gold.json").string();
  auto without = test::run_command(mine + " --show 400 --out " + (dir / "without.json").string());
  ASSERT_EQ(without.exit_code, 0) << without.all();
  EXPECT_FALSE(io::read_json(dir / "without.json").contains("Laura")) << without.all();
  EXPECT_NE(without.output.find("missed (1): Laura"), std::string::npos) << without.all();
  auto with = test::run_command(mine + " --show 400 --base " + (fs::path(LETHE_SOURCE_DIR) / "models/demo-base").string() +
                                " --reinforced " + (dir / "reinforced").string() + " --out " + (dir / "with.json").string());
  ASSERT_EQ(with.exit_code, 0) << with.all();
  auto dictionary = io::read_json(dir / "with.json");
  ASSERT_TRUE(dictionary.contains("Laura")) << with.all();
  // Laura is a woman, as the text says (the model is not asked where the text has evidence); the
  // first names the text says nothing of (72 without models) get the model's decision.
  EXPECT_TRUE(std::regex_search(with.output, std::regex("\nLaura +first name +female "))) << with.all();
  EXPECT_TRUE(std::regex_search(without.output, std::regex("first name +[0-9]")));
  EXPECT_FALSE(std::regex_search(with.output, std::regex("first name +[0-9]"))) << with.all();
  EXPECT_NE(with.output.find("recall 1.000"), std::string::npos) << with.all();
  // No substitute anywhere is a name of the saga: "Laura" itself is in the pool of women's names.
  auto in_saga = [&](const std::string& name) {
    for (size_t at = saga.find(name); at != std::string::npos; at = saga.find(name, at + 1))
      if (util::is_whole_word(saga, at, name.size())) return true;
    return false;
  };
  int names = 0;
  for (const auto& [term, substitutes] : dictionary.items()) {
    for (const auto& substitute : substitutes) {
      const std::string s = substitute.get<std::string>();
      if (!std::isupper(static_cast<unsigned char>(s[0]))) continue;  // "the valley", "flower": not names
      ++names;
      EXPECT_FALSE(in_saga(s)) << term << " -> " << s;
    }
  }
  EXPECT_GT(names, 200);
}

}  // namespace
}  // namespace lethe
