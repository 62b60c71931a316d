// lethe compare's report from a hand-made document: the Markdown says the split, the budget and
// each choice; the HTML page loads in headless Chromium with no console message and keeps a point
// per setting in each plot, the chosen ones filled.
#include <gtest/gtest.h>

#include "compare/compare_report.h"
#include "io/file.h"
#include "test_util.h"

namespace lethe::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json model(double forget, double retain, double perplexity) {
  return {{"forget_qa", {{"exact_match", forget}}},
          {"retain_qa", {{"exact_match", retain}}},
          {"relearning", {{"exact_match_after", forget + 0.2}}},
          {"perplexity", {{"general", {{"perplexity", perplexity}}}}}};
}

json setting(const std::string& label, double forget, double retain, double perplexity, bool keeps) {
  json figures = {{"forget_qa", forget}, {"retain_qa", retain}, {"perplexity", perplexity}};
  return {{"label", label}, {"keeps_utility", keeps}, {"validation", figures}, {"test", figures}};
}

json document() {
  json npo = {{"name", "npo"}, {"chosen", 1}, {"qualified", true}, {"reason", "the lowest forget QA"},
              {"settings", {setting("finetune.lr=0.0001", 0.5, 0.9, 50, true), setting("finetune.lr=0.0003", 0.1, 0.88, 51, true)}}};
  json ga = {{"name", "gradascent"}, {"chosen", 0}, {"qualified", false}, {"reason", "no setting keeps <utility>"},
             {"settings", {setting("defaults", 0.0, 0.0, 1e9, false)}}};
  return {{"split", {{"validation_items", 100}, {"test_items", 0}}},
          {"budget", {{"forget_tokens", 1000}, {"epochs", 2.0},
                      {"methods", {{"npo", {{"reinforce_forget_tokens", 0}}}, {"gradascent", {{"reinforce_forget_tokens", 0}}}}}}},
          {"rule", {{"retain_qa_drop", 0.05}, {"perplexity_rise", 0.05}}},
          {"methods", {npo, ga}},
          {"results", {{"base", model(0.8, 0.9, 50)}, {"npo", model(0.1, 0.88, 51)}, {"gradascent", model(0, 0, 1e9)},
                       {"oracle", model(0.05, 0.9, 49)}}},
          {"seconds", 12.0}};
}

TEST(CompareReport, MarkdownSaysTheSplitTheBudgetAndEachChoice) {
  std::string md = compare_markdown(document());
  EXPECT_NE(md.find("the first 100 items of each suite file"), std::string::npos) << md;
  EXPECT_NE(md.find("measured on the test part (the rest)"), std::string::npos) << md;
  EXPECT_NE(md.find("reads the forget text (1000 tokens) 2 times."), std::string::npos) << md;
  EXPECT_NE(md.find("| metric | base | npo | gradascent | oracle |"), std::string::npos) << md;
  EXPECT_NE(md.find("- npo: finetune.lr=0.0003 chosen: the lowest forget QA."), std::string::npos) << md;
  EXPECT_NE(md.find("| npo | finetune.lr=0.0003 (chosen) | yes | 10.0% / 10.0% | 88.0% / 88.0% | 51.00 / 51.00 |"),
            std::string::npos)
      << md;
  EXPECT_EQ(report_columns(document()), (std::vector<std::string>{"base", "npo", "gradascent", "oracle"}));
}

TEST(CompareReport, HtmlPlotsLoadInHeadlessChromiumWithAPointPerSetting) {
  ASSERT_EQ(test::run_command("command -v chromium").exit_code, 0) << "chromium is missing: make deps installs it";
  const std::string html = compare_html(document());
  EXPECT_EQ(test::count_of(html, "<circle"), 6);  // three settings in each of the two plots
  EXPECT_EQ(test::count_of(html, "r=\"7\""), 4);  // two chosen settings in each
  EXPECT_NE(html.find("no setting keeps &lt;utility&gt;"), std::string::npos);
  fs::path dir = test::scratch_dir();
  io::write_file_atomic(dir / "report.html", html);
  auto page = test::load_in_chromium(dir / "report.html");
  ASSERT_EQ(page.run.exit_code, 0) << page.run.all();
  EXPECT_EQ(page.console.find(":CONSOLE"), std::string::npos) << page.console;
  EXPECT_EQ(test::count_of(page.run.output, "<circle"), 6) << page.run.output;
  EXPECT_EQ(test::count_of(page.run.output, "<polygon"), 2);  // the oracle in each plot
  EXPECT_NE(page.run.output.find("Forgetting against the retain world"), std::string::npos);
}

}  // namespace
}  // namespace lethe::compare
