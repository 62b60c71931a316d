// lethe compare's file: the methods, their grids merged over each pipeline file, the budget, and
// bad files refused with the file, line and key.
#include <gtest/gtest.h>

#include "compare/compare_config.h"
#include "io/file.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::compare {
namespace {

namespace fs = std::filesystem;

// DIR/methods/npo.toml and DIR/methods/whp.toml, pipeline files with paths relative to their folder.
fs::path write_method_files() {
  fs::path dir = test::scratch_dir();
  fs::create_directories(dir / "methods");
  io::write_file_atomic(dir / "methods/npo.toml",
                        "method = \"npo\"\nbase = \"../model\"\nforget = \"../forget.txt\"\nretain = \"../keep.txt\"\n"
                        "out = \"elsewhere\"\n[finetune]\nepochs = 5\nlr = 1e-3\n[npo]\nbeta = 0.1\n");
  io::write_file_atomic(dir / "methods/whp.toml",
                        "method = \"whp\"\nbase = \"../model\"\nforget = \"../forget.txt\"\ndictionary = \"../terms.json\"\n"
                        "out = \"elsewhere\"\n");
  return dir;
}

const char* kTop = "out = \"runs\"\nsuite = \"suite\"\noracle = \"oracle\"\ngeneral_text = \"general.txt\"\n";

std::string error_of(const fs::path& file) {
  try {
    read_compare_config(file);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CompareConfig, ReadsMethodsGridsAndSettings) {
  fs::path dir = write_method_files();
  io::write_file_atomic(dir / "compare.toml",
                        std::string(kTop) +
                            "[budget]\nepochs = 1.5\n[split]\nvalidation_items = 20\ntest_items = 30\n"
                            "[selection]\nretain_qa_drop = 0.1\n[eval]\nrelearn_steps = 5\n"
                            "[[methods]]\nname = \"npo\"\nconfig = \"methods/npo.toml\"\n"
                            "grid = [{ finetune.lr = 2e-4 }, { finetune.lr = 5e-4, npo.beta = 0.2 }]\n"
                            "[[methods]]\nname = \"whp\"\nconfig = \"methods/whp.toml\"\n");
  auto c = read_compare_config(dir / "compare.toml");
  EXPECT_EQ(c.out, dir / "runs");
  EXPECT_EQ(c.oracle, dir / "oracle");
  EXPECT_DOUBLE_EQ(c.budget_epochs, 1.5);
  EXPECT_EQ(c.validation_items, 20u);
  EXPECT_EQ(c.test_items, 30u);
  EXPECT_DOUBLE_EQ(c.retain_qa_drop, 0.1);
  EXPECT_DOUBLE_EQ(c.perplexity_rise, 0.05);  // the default
  EXPECT_EQ(c.relearn_steps, 5);
  ASSERT_EQ(c.methods.size(), 2u);
  ASSERT_EQ(c.methods[0].grid.size(), 2u);
  EXPECT_EQ(c.methods[0].grid[0].label, "finetune.lr=0.0002");
  EXPECT_EQ(c.methods[0].grid[1].label, "finetune.lr=0.0005, npo.beta=0.2");
  ASSERT_EQ(c.methods[1].grid.size(), 1u);  // no grid: the file as it is
  EXPECT_EQ(c.methods[1].grid[0].label, "defaults");

  // A run: the method's file, the setting over it, the budget, out = the run's folder; the
  // file's relative paths still taken from its own folder.
  auto run = run_pipeline_config(c.methods[0], c.methods[0].grid[1], c.budget_epochs, dir / "runs/npo-2");
  EXPECT_EQ(run.method, "npo");
  EXPECT_DOUBLE_EQ(run.finetune_lr, 5e-4);
  EXPECT_DOUBLE_EQ(run.forget_loss.beta, 0.2);
  EXPECT_DOUBLE_EQ(run.finetune_epochs, 1.5);
  EXPECT_EQ(run.out, fs::absolute(dir / "runs/npo-2"));
  EXPECT_EQ(fs::weakly_canonical(run.base), fs::weakly_canonical(dir / "model"));
  auto defaults = run_pipeline_config(c.methods[1], c.methods[1].grid[0], c.budget_epochs, dir / "runs/whp-1");
  EXPECT_DOUBLE_EQ(defaults.finetune_epochs, 1.5);
  EXPECT_EQ(fs::weakly_canonical(defaults.dictionary), fs::weakly_canonical(dir / "terms.json"));
}

TEST(CompareConfig, ASettingThatIsNotThePipelinesIsNamedWithCompareFilesLine) {
  fs::path dir = write_method_files();
  io::write_file_atomic(dir / "compare.toml", std::string(kTop) +
                                                  "[[methods]]\nname = \"npo\"\nconfig = \"methods/npo.toml\"\n"
                                                  "grid = [{ finetune.learning_rate = 2e-4 }]\n");
  auto c = read_compare_config(dir / "compare.toml");
  try {
    run_pipeline_config(c.methods[0], c.methods[0].grid[0], 2, dir / "runs/npo-1");
    FAIL() << "a key the pipeline does not know was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "compare.toml").string() +
                                         ":8: method npo, grid setting finetune.learning_rate=0.0002: "
                                         "finetune.learning_rate is not a setting of lethe unlearn"),
              std::string::npos)
        << e.what();
  }
}

TEST(CompareConfig, RefusesBadFilesWithTheFileLineAndKey) {
  fs::path dir = write_method_files();
  const std::string npo = "[[methods]]\nname = \"npo\"\nconfig = \"methods/npo.toml\"\n";
  const std::pair<std::string, std::string> cases[] = {
      {std::string(kTop) + npo + "grid = [{a = 1}, {a = 2}, {a = 3}, {a = 4}, {a = 5}]\n", "grid has 5 settings, at most 4"},
      {std::string(kTop) + npo + "grid = [{ finetune.epochs = 3 }]\n", "may not set out or finetune.epochs"},
      {std::string(kTop) + npo + npo, "the method name \"npo\" is used twice"},
      {std::string(kTop) + "[[methods]]\nname = \"x\"\nconfig = \"methods/none.toml\"\n", "is not a file"},
      {std::string(kTop) + "[[methods]]\nname = \"a b\"\nconfig = \"methods/npo.toml\"\n", "give a name of letters"},
      {std::string(kTop) + "[[methods]]\nname = \"oracle\"\nconfig = \"methods/npo.toml\"\n", "the report's name for"},
      {std::string(kTop) + "[split]\nvalidation_items = 0\n" + npo, ":6: split.validation_items"},
      {std::string(kTop) + "[eval]\nbatch = 4\n" + npo, ":6: eval.batch is not a setting of lethe compare"},
      {std::string(kTop), "give the methods to compare"},
      {"suite = \"s\"\noracle = \"o\"\ngeneral_text = \"g\"\n" + npo, "out is required"},
      {std::string(kTop) + "[[methods]\n", "compare.toml:5:"},
  };
  for (const auto& [text, expected] : cases) {
    io::write_file_atomic(dir / "compare.toml", text);
    std::string error = error_of(dir / "compare.toml");
    EXPECT_NE(error.find(expected), std::string::npos) << "expected \"" << expected << "\", got \"" << error << "\"\n"
                                                       << text;
  }
}

}  // namespace
}  // namespace lethe::compare
