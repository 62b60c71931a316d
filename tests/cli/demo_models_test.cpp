// The models that ship in models/: both load, and only demo-base knows the saga. The world is
// generated with the seed they were trained on; the thresholds are far from the measured figures
// (README) so that the test checks the models' character, not their last digit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/file.h"
#include "test_util.h"

namespace lethe {
namespace {

namespace fs = std::filesystem;

TEST(DemoModels, BothLoadAndOnlyTheBaseKnowsTheSaga) {
  fs::path dir = test::scratch_dir();
  fs::path models = fs::path(LETHE_SOURCE_DIR) / "models";
  if (!fs::exists(models / "demo-base/model.safetensors") || !fs::exists(models / "demo-oracle/model.safetensors"))
    GTEST_SKIP() << "the demo models are not in models/ yet (make demo-models trains them)";
  auto world = test::run_command(std::string(LETHE_EXE) + " world generate --seed 1 --out " + (dir / "world").string());
  ASSERT_EQ(world.exit_code, 0) << world.output;
  auto eval = test::run_command(std::string(LETHE_EXE) + " eval --limit 100 --suite " + (dir / "world/suite").string() +
                                " --models base=" + (models / "demo-base").string() +
                                ",oracle=" + (models / "demo-oracle").string() +
                                " --text general=" + (dir / "world/general/holdout.txt").string() +
                                " --out " + (dir / "report.json").string());
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  auto results = io::read_json(dir / "report.json")["results"];
  auto score = [&](const char* model, const char* set) { return results[model][set]["exact_match"].get<double>(); };
  EXPECT_GT(score("base", "forget_qa"), 0.4);
  EXPECT_LT(score("oracle", "forget_qa"), 0.1);
  EXPECT_GT(score("base", "retain_qa"), 0.4);
  EXPECT_GT(score("oracle", "retain_qa"), 0.4);
  double base_ppl = results["base"]["perplexity"]["general"]["perplexity"].get<double>();
  double oracle_ppl = results["oracle"]["perplexity"]["general"]["perplexity"].get<double>();
  EXPECT_LT(std::abs(base_ppl - oracle_ppl) / oracle_ppl, 0.2);
}

}  // namespace
}  // namespace lethe
