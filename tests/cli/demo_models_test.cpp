// The models that ship in models/: both load, and only demo-base knows the saga. The world is
// generated with the seed they were trained on; the thresholds are the must-show figures,
// and for the report's figures far enough from the measured ones (README) that the test checks the
// models' character, not their last digit.
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

}  // namespace
}  // namespace lethe
