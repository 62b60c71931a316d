#include "compare/compare_report.h"

#include <fmt/core.h>

#include <algorithm>

#include "eval/evaluation.h"
#include "eval/html_report.h"
#include "io/file.h"

namespace lethe::compare {
namespace {

using nlohmann::json;

std::string percent(const json& figure) { return fmt::format("{:.1f}%", 100 * figure.get<double>()); }

// "every method's unlearning fine-tune reads the forget text's 25,000 tokens 2 times; ..."
std::string budget_sentence(const json& document) {
  const json& budget = document["budget"];
  const double epochs = budget["epochs"].get<double>();
  std::string text = fmt::format("Budget: every method's unlearning fine-tune reads the forget text ({} tokens) {}.",
                                 budget["forget_tokens"].get<int64_t>(),
                                 epochs == 1 ? "once" : fmt::format("{:g} times", epochs));
  std::vector<std::string> reinforcing;
  for (const auto& [name, method] : budget["methods"].items())
    if (method["reinforce_forget_tokens"].get<int64_t>() > 0)
      reinforcing.push_back(fmt::format("{} ({} tokens)", name, method["reinforce_forget_tokens"].get<int64_t>()));
  if (!reinforcing.empty()) {
    text += " These also read it in their reinforcement, computed once for all of them where the settings are the "
            "same:";
    for (size_t i = 0; i < reinforcing.size(); ++i) text += (i ? ", " : " ") + reinforcing[i];
    text += ".";
  }
  return text;
}

std::string split_sentence(const json& document) {
  const json& split = document["split"];
  const auto test = split["test_items"].get<size_t>();
  return fmt::format("Each method's setting is chosen on the validation part (the first {} items of each suite file); "
                     "every figure reported is measured on the test part ({}).",
                     split["validation_items"].get<size_t>(), test ? fmt::format("the next {} items", test) : "the rest");
}

// One point of a plot: where it is and how it is drawn.
struct Point {
  double x, y;
  std::string label;
  std::string shape;  // "chosen", "setting", "base", "oracle"
  const char* colour;
};

// A scatter of forget QA (up) against a utility figure (across) in the unit square; `bar` marks
// the utility bar as a dashed line.
std::string scatter(const std::string& title, const std::string& x_label, const std::vector<Point>& points,
                    double bar) {
  const int size = 300, left = 40, top = 10;
  auto px = [&](double x) { return left + std::clamp(x, 0.0, 1.0) * size; };
  auto py = [&](double y) { return top + (1 - std::clamp(y, 0.0, 1.0)) * size; };
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)",
                                size + left + 10, size + top + 40);
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#444"/>)", left, top, size, size);
  svg += fmt::format(R"(<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="#888" stroke-dasharray="4 3"/>)",
                     px(bar), top, top + size);
  svg += fmt::format(R"(<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>)", left + size / 2,
                     top + size + 30, eval::html_escape(x_label));
  svg += fmt::format(R"svg(<text x="12" y="{0}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {0})">)svg"
                     "forget QA (test) 0 .. 1, lower forgets</text>",
                     top + size / 2);
  for (const auto& p : points) {
    const double x = px(p.x), y = py(p.y);
    const std::string tip = "<title>" + eval::html_escape(p.label) + "</title>";
    if (p.shape == "base") {
      svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="10" height="10" fill="#000">{}</rect>)", x - 5, y - 5, tip);
    } else if (p.shape == "oracle") {
      svg += fmt::format(R"(<polygon points="{0:.1f},{2:.1f} {1:.1f},{3:.1f} {0:.1f},{4:.1f} {5:.1f},{3:.1f}" fill="#000">{6}</polygon>)",
                         x, x + 7, y - 7, y, y + 7, x - 7, tip);
    } else {
      const bool chosen = p.shape == "chosen";
      svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}" stroke="{}" stroke-width="2">{}</circle>)", x,
                         y, chosen ? 7 : 4, chosen ? p.colour : "#fff", p.colour, tip);
    }
  }
  return "<figure><figcaption><b>" + eval::html_escape(title) + "</b></figcaption>" + svg + "</svg></figure>\n";
}

std::string legend(const json& methods) {
  std::string out = "<p>&#9632; base &#9670; oracle ";
  for (size_t m = 0; m < methods.size(); ++m)
    out += fmt::format(R"(<span style="color:{}">&#9679; {}</span> )", eval::chart_colour(m),
                       eval::html_escape(methods[m]["name"].get<std::string>()));
  return out + "(filled: the chosen setting; open: the others; dashed: the utility bar)</p>\n";
}

// Forget QA against retain QA, and against general perplexity relative to base's (0.9 .. 1.5).
std::string plots(const json& document) {
  const json& results = document["results"];
  const double base_retain = results["base"]["retain_qa"]["exact_match"].get<double>();
  const double base_ppl = results["base"]["perplexity"]["general"]["perplexity"].get<double>();
  auto ppl_x = [&](double ppl) { return (ppl / base_ppl - 0.9) / 0.6; };
  std::vector<Point> by_retain, by_ppl;
  for (const char* name : {"base", "oracle"}) {
    const json& r = results[name];
    const double forget = r["forget_qa"]["exact_match"].get<double>();
    const double ppl = r["perplexity"]["general"]["perplexity"].get<double>();
    by_retain.push_back({r["retain_qa"]["exact_match"].get<double>(), forget, name, name, "#000"});
    by_ppl.push_back({ppl_x(ppl), forget, fmt::format("{}: perplexity {:.4g}", name, ppl), name, "#000"});
  }
  const json& methods = document["methods"];
  for (size_t m = 0; m < methods.size(); ++m) {
    const json& settings = methods[m]["settings"];
    for (size_t s = 0; s < settings.size(); ++s) {
      const json& t = settings[s]["test"];
      const std::string shape = s == methods[m]["chosen"].get<size_t>() ? "chosen" : "setting";
      const std::string label = fmt::format("{} {}: forget QA {}, retain QA {}, perplexity {:.4g}",
                                            methods[m]["name"].get<std::string>(), settings[s]["label"].get<std::string>(),
                                            percent(t["forget_qa"]), percent(t["retain_qa"]), t["perplexity"].get<double>());
      by_retain.push_back({t["retain_qa"].get<double>(), t["forget_qa"].get<double>(), label, shape, eval::chart_colour(m)});
      by_ppl.push_back({ppl_x(t["perplexity"].get<double>()), t["forget_qa"].get<double>(), label, shape,
                        eval::chart_colour(m)});
    }
  }
  const double drop = document["rule"]["retain_qa_drop"].get<double>();
  const double rise = document["rule"]["perplexity_rise"].get<double>();
  return legend(methods) + "<div class=\"grid\">\n" +
         scatter("Forgetting against the retain world", "retain QA (test) 0 .. 1, higher keeps", by_retain,
                 base_retain - drop) +
         scatter("Forgetting against general perplexity", "general perplexity / base's, 0.9 .. 1.5 (beyond: at the edge)",
                 by_ppl, ppl_x(base_ppl * (1 + rise))) +
         "</div>\n";
}

// Every setting: its figures on validation (which chose) and on test (which report).
std::string settings_markdown(const json& methods) {
  std::string out =
      "| method | setting | keeps utility (validation) | forget QA val / test | retain QA val / test | general ppl val / "
      "test |\n|---|---|---|---|---|---|\n";
  for (const auto& m : methods) {
    const json& settings = m["settings"];
    for (size_t s = 0; s < settings.size(); ++s) {
      const json& v = settings[s]["validation"];
      const json& t = settings[s]["test"];
      const bool chosen = s == m["chosen"].get<size_t>();
      out += fmt::format("| {} | {}{} | {} | {} / {} | {} / {} | {:.2f} / {:.2f} |\n", m["name"].get<std::string>(),
                         settings[s]["label"].get<std::string>(), chosen ? " (chosen)" : "",
                         settings[s]["keeps_utility"].get<bool>() ? "yes" : "no", percent(v["forget_qa"]),
                         percent(t["forget_qa"]), percent(v["retain_qa"]), percent(t["retain_qa"]),
                         v["perplexity"].get<double>(), t["perplexity"].get<double>());
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> report_columns(const json& document) {
  std::vector<std::string> names = {"base"};
  for (const auto& m : document["methods"]) names.push_back(m["name"].get<std::string>());
  names.push_back("oracle");
  return names;
}

std::string compare_markdown(const json& document) {
  std::string out = "# lethe compare\n\n" + split_sentence(document) + " " + budget_sentence(document) + "\n\n";
  out += eval::markdown_table(document["results"], report_columns(document));
  out += "\n## Each method's setting\n\n";
  for (const auto& m : document["methods"])
    out += fmt::format("- {}: {} chosen: {}.\n", m["name"].get<std::string>(),
                       m["settings"][m["chosen"].get<size_t>()]["label"].get<std::string>(), m["reason"].get<std::string>());
  out += "\n" + settings_markdown(document["methods"]);
  out += fmt::format("\nThis invocation took {:.0f} s (work kept from an earlier one not counted).\n",
                     document["seconds"].get<double>());
  return out;
}

std::string compare_html(const json& document) {
  const json& methods = document["methods"];
  std::string body = "<h1>lethe compare</h1>\n<p>" + eval::html_escape(split_sentence(document)) + " " +
                     eval::html_escape(budget_sentence(document)) + "</p>\n";
  body += eval::html_results_table(document["results"], report_columns(document));
  body += "<h2>Forgetting against utility, every setting</h2>\n" + plots(document);
  body += "<h2>Each method's setting</h2>\n<ul>\n";
  for (const auto& m : methods)
    body += "<li><b>" + eval::html_escape(m["name"].get<std::string>()) + "</b>: " +
            eval::html_escape(m["settings"][m["chosen"].get<size_t>()]["label"].get<std::string>()) + " chosen: " +
            eval::html_escape(m["reason"].get<std::string>()) + ".</li>\n";
  body += "</ul>\n";
  return eval::html_page("lethe compare", body);
}

void write_compare_report(const std::filesystem::path& path, const json& document) {
  io::write_json_atomic(path, document);
  auto beside = path;
  io::write_file_atomic(beside.replace_extension(".md"), compare_markdown(document));
  io::write_file_atomic(beside.replace_extension(".html"), compare_html(document));
}

}  // namespace lethe::compare
