// The HTML report's content, and the page in a real headless browser (Debian's chromium): it must
// load with no console message and keep every plot in its DOM.
#include <gtest/gtest.h>

#include <fstream>

#include "eval/html_report.h"
#include "io/file.h"
#include "test_util.h"

namespace lethe::eval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json document() {
  json base = {{"forget_qa", {{"exact_match", 0.8}}},
               {"retain_qa", {{"exact_match", 0.9}}},
               {"membership",
                {{"auc", {{"loss", 0.9}}},
                 {"scores", {{"loss", {{"forget", {-1.0, -1.5, -2.0}}, {"holdout", {-3.0, -2.5}}}}}}}}};
  json oracle = {{"forget_qa", {{"exact_match", 0.05}}},
                 {"retain_qa", {{"exact_match", 0.88}}},
                 {"membership",
                  {{"auc", {{"loss", 0.5}}},
                   {"scores", {{"loss", {{"forget", {-3.0, -2.0, -2.0}}, {"holdout", {-2.5, -3.0}}}}}}}}};
  return {{"suite", "world/suite"}, {"results", {{"base", base}, {"<oracle>", oracle}}}};
}

TEST(HtmlReport, ABarChartPerMetricTheRocCurvesAndTheTrainingCurves) {
  std::vector<TrainingCurve> curves = {{"completion_familiarity", {0, 10, 20}, {0.3, 0.1, 0.01}}};
  std::string html = html_report(document(), {"base", "<oracle>"}, curves);
  EXPECT_EQ(test::count_of(html, "<figure>"), 3 + 1 + 1);  // forget QA, retain QA, MIA AUC; ROC; one curve
  EXPECT_EQ(test::count_of(html, "</title></rect>"), 3 * 2);  // a bar per model per metric
  EXPECT_EQ(html.find("<oracle>"), std::string::npos);
  EXPECT_NE(html.find("&lt;oracle&gt;"), std::string::npos);
  EXPECT_NE(html.find("0.05"), std::string::npos);
  // Polylines: the chance diagonal, one ROC curve per model (one point per distinct score, plus
  // the origin), the training curve.
  EXPECT_EQ(test::count_of(html, "<polyline"), 1 + 2 + 1);
  EXPECT_NE(html.find("30.0,270.0 30.0,183.3 30.0,96.7 "), std::string::npos);  // base: (0,0) (0,1/3) (0,2/3) ...
}

TEST(HtmlReport, TrainingCurvesComeFromTheEvalRecordsOfAMetricsLog) {
  fs::path dir = test::scratch_dir();
  std::ofstream(dir / "metrics.jsonl") << R"({"step": 5, "loss": 2.0}
{"step": 10, "eval": {"forget_qa": 0.5, "retain_qa": 0.9, "note": "text is skipped"}}
{"step": 20, "eval": {"forget_qa": 0.1, "retain_qa": 0.85}}
)";
  auto curves = read_training_curves((dir / "metrics.jsonl").string());
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_EQ(curves[0].name, "forget_qa");
  EXPECT_EQ(curves[0].steps, (std::vector<double>{10, 20}));
  EXPECT_EQ(curves[0].values, (std::vector<double>{0.5, 0.1}));
  EXPECT_EQ(curves[1].values, (std::vector<double>{0.9, 0.85}));
}

TEST(HtmlReport, LoadsInHeadlessChromiumWithNoConsoleMessage) {
  ASSERT_EQ(test::run_command("command -v chromium").exit_code, 0) << "chromium is missing: make deps installs it";
  fs::path dir = test::scratch_dir();
  std::vector<TrainingCurve> curves = {{"forget_qa", {0, 10}, {0.8, 0.1}}};
  std::string html = html_report(document(), {"base", "<oracle>"}, curves);
  io::write_file_atomic(dir / "report.html", html);
  auto page = test::load_in_chromium(dir / "report.html");
  ASSERT_EQ(page.run.exit_code, 0) << page.run.all();
  EXPECT_EQ(page.console.find(":CONSOLE"), std::string::npos) << page.console;
  EXPECT_EQ(test::count_of(page.run.output, "<svg"), test::count_of(html, "<svg"));
  EXPECT_EQ(test::count_of(page.run.output, "<polyline"), test::count_of(html, "<polyline"));
  EXPECT_NE(page.run.output.find("lethe evaluation"), std::string::npos);
}

}  // namespace
}  // namespace lethe::eval
