#include "eval/html_report.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "eval/jsonl.h"
#include "eval/roc.h"

namespace lethe::eval {

// Model colours, colour-blind safe: Okabe and Ito's seven, then three of Tol's muted scheme.
const char* chart_colour(size_t i) {
  static const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                  "#56B4E9", "#F0E442", "#882255", "#44AA99", "#999933"};
  return palette[i % 10];
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

using nlohmann::json;

struct Metric {
  const char* title;
  const char* pointer;
  const char* better;  // what a reader should look for
};

const Metric kMetrics[] = {
    {"Completion familiarity (forget)", "/completion_familiarity/score", "lower forgets; oracle is the target"},
    {"Probability familiarity", "/probability_familiarity/mass", "lower forgets"},
    {"Forget QA exact match", "/forget_qa/exact_match", "lower forgets; oracle is the target"},
    {"Forget QA, rephrased", "/forget_qa_rephrased/exact_match", "knowledge that returns here only hid"},
    {"Verbatim memorisation (ROUGE-L F1)", "/verbatim/rouge_l_f1", "lower forgets"},
    {"MIA AUC (loss)", "/membership/auc/loss", "0.5 = cannot tell forget from held-out text"},
    {"MIA AUC (Min-K%++)", "/membership/auc/min_k_plus_plus", "0.5 = cannot tell forget from held-out text"},
    {"Forget QA after relearning", "/relearning/exact_match_after",
     "a few steps on a slice of the forget text; questions whose answers are not in it"},
    {"Forget QA, strongest relearning", "/relearning_sweep/forget/worst/exact_match",
     "the worst case of the sweep of rates, slices and steps; the oracle's is the floor"},
    {"Forget QA, benign fine-tune", "/relearning_sweep/benign/worst/exact_match",
     "the same fine-tunes on general text: what any fine-tune brings back"},
    {"Retain QA exact match", "/retain_qa/exact_match", "higher keeps utility"},
    {"Retain MC accuracy", "/retain_mc/acc", "higher keeps utility"},
    {"Fluency (distinct-2)", "/completion_familiarity/distinct_2", "near 1: no loops"},
};

bool any_has(const json& results, const std::vector<std::string>& names, const json::json_pointer& at) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return results[n].contains(at); });
}

// A small bar chart: one bar per model that has the figure.
std::string bar_chart(const json& results, const std::vector<std::string>& names, const Metric& metric) {
  json::json_pointer at(metric.pointer);
  double top = 0;
  for (const auto& n : names)
    if (results[n].contains(at)) top = std::max(top, results[n][at].get<double>());
  if (top <= 0) top = 1;
  const int width = 60 * static_cast<int>(names.size()) + 20, height = 150, base = 120;
  std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)svg", width, height);
  for (size_t i = 0; i < names.size(); ++i) {
    if (!results[names[i]].contains(at)) continue;
    double v = results[names[i]][at].get<double>();
    int h = static_cast<int>(100 * std::max(0.0, v) / top);
    int x = 20 + 60 * static_cast<int>(i);
    svg += fmt::format(R"svg(<rect x="{}" y="{}" width="40" height="{}" fill="{}"><title>{}: {:.4g}</title></rect>)svg", x,
                       base - h, h, chart_colour(i), html_escape(names[i]), v);
    svg += fmt::format(R"svg(<text x="{}" y="{}" font-size="11" text-anchor="middle">{:.3g}</text>)svg", x + 20, base - h - 4, v);
    svg += fmt::format(R"svg(<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>)svg", x + 20, base + 16,
                       html_escape(names[i]));
  }
  svg += fmt::format(R"svg(<line x1="10" y1="{0}" x2="{1}" y2="{0}" stroke="#444"/></svg>)svg", base, width - 10);
  return fmt::format("<figure><figcaption><b>{}</b><br><small>{}</small></figcaption>{}</figure>\n",
                     html_escape(metric.title), html_escape(metric.better), svg);
}

std::string polyline(const std::vector<std::pair<double, double>>& points, const char* stroke, int size) {
  std::string coordinates;
  for (const auto& [x, y] : points) coordinates += fmt::format("{:.1f},{:.1f} ", 30 + x * size, 10 + (1 - y) * size);
  return fmt::format(R"svg(<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>)svg", stroke, coordinates);
}

std::string axes(int size, const std::string& x_label, const std::string& y_label) {
  return fmt::format(R"svg(<rect x="30" y="10" width="{0}" height="{0}" fill="none" stroke="#444"/>)svg"
                     R"svg(<text x="{1}" y="{2}" font-size="11" text-anchor="middle">{3}</text>)svg"
                     R"svg(<text x="12" y="{1}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {1})">{4}</text>)svg",
                     size, 30 + size / 2, size + 30, html_escape(x_label), html_escape(y_label));
}

std::string legend(const std::vector<std::string>& names) {
  std::string out = "<p>";
  for (size_t i = 0; i < names.size(); ++i)
    out += fmt::format(R"svg(<span style="color:{}">&#9632; {}</span> )svg", chart_colour(i), html_escape(names[i]));
  return out + "</p>\n";
}

// ROC curves of the loss attack, forget passages (positive) against held-out passages.
std::string roc_chart(const json& results, const std::vector<std::string>& names) {
  const int size = 260;
  std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)svg",
                                size + 40, size + 40);
  svg += axes(size, "false positive rate", "true positive rate");
  svg += polyline({{0, 0}, {1, 1}}, "#bbb", size);
  bool any = false;
  for (size_t i = 0; i < names.size(); ++i) {
    const json& r = results[names[i]];
    if (!r.contains("membership")) continue;
    const json& scores = r["membership"]["scores"]["loss"];
    std::vector<std::pair<double, double>> points;
    for (const auto& p : roc_curve(scores["forget"].get<std::vector<double>>(), scores["holdout"].get<std::vector<double>>()))
      points.emplace_back(p.false_positive_rate, p.true_positive_rate);
    svg += polyline(points, chart_colour(i), size);
    any = true;
  }
  if (!any) return "";
  return "<figure><figcaption><b>Membership inference ROC (loss attack)</b><br><small>forget passages against "
         "held-out passages; the diagonal is chance</small></figcaption>" +
         svg + "</svg>" + legend(names) + "</figure>\n";
}

// Forget QA over the attack's steps, the worst case of the sweep at each step, one line per model.
std::string sweep_chart(const json& results, const std::vector<std::string>& names) {
  const int size = 260;
  std::string lines;
  double last_step = 1;
  for (const auto& n : names)
    if (results[n].contains("relearning_sweep"))
      last_step = std::max(last_step, results[n]["relearning_sweep"]["at_steps"].back().get<double>());
  for (size_t i = 0; i < names.size(); ++i) {
    if (!results[names[i]].contains("relearning_sweep")) continue;
    const json& sweep = results[names[i]]["relearning_sweep"];
    std::vector<std::pair<double, double>> points = {{0, sweep["exact_match_before"].get<double>()}};
    const auto steps = sweep["at_steps"].get<std::vector<double>>();
    const auto curve = sweep["forget"]["worst_curve"].get<std::vector<double>>();
    for (size_t s = 0; s < steps.size() && s < curve.size(); ++s) points.emplace_back(steps[s] / last_step, curve[s]);
    lines += polyline(points, chart_colour(i), size);
  }
  if (lines.empty()) return "";
  std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)svg",
                                size + 40, size + 40);
  svg += axes(size, fmt::format("attack step 0 .. {:g}", last_step), "forget QA exact match 0 .. 1");
  return "<figure><figcaption><b>Forget QA under the strongest relearning attack</b><br><small>at each step the "
         "highest of every rate and slice; the oracle's line is what the slice itself teaches</small></figcaption>" +
         svg + lines + "</svg>" + legend(names) + "</figure>\n";
}

// One line chart per figure measured during the fine-tune.
std::string curve_chart(const TrainingCurve& curve) {
  if (curve.steps.empty()) return "";
  const int size = 260;
  auto [low, high] = std::minmax_element(curve.values.begin(), curve.values.end());
  double first = curve.steps.front(), last = std::max(curve.steps.back(), first + 1);
  double bottom = std::min(0.0, *low), top = *high > bottom ? *high : bottom + 1;
  std::vector<std::pair<double, double>> points;
  for (size_t i = 0; i < curve.steps.size(); ++i)
    points.emplace_back((curve.steps[i] - first) / (last - first), (curve.values[i] - bottom) / (top - bottom));
  std::string svg = fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)svg",
                                size + 40, size + 40);
  svg += axes(size, fmt::format("step {:g} .. {:g}", first, last), fmt::format("{:.3g} .. {:.3g}", bottom, top));
  svg += polyline(points, chart_colour(1), size) + "</svg>";
  return fmt::format("<figure><figcaption><b>{}</b> during unlearning</figcaption>{}</figure>\n", html_escape(curve.name), svg);
}

}  // namespace

std::string html_results_table(const json& results, const std::vector<std::string>& names) {
  std::string out = "<table><tr><th>metric</th>";
  for (const auto& n : names) out += "<th>" + html_escape(n) + "</th>";
  out += "</tr>\n";
  for (const auto& metric : kMetrics) {
    json::json_pointer at(metric.pointer);
    if (!any_has(results, names, at)) continue;
    out += "<tr><td>" + html_escape(metric.title) + "</td>";
    for (const auto& n : names)
      out += "<td>" + (results[n].contains(at) ? fmt::format("{:.4g}", results[n][at].get<double>()) : "-") + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string html_report(const json& document, const std::vector<std::string>& names,
                        const std::vector<TrainingCurve>& curves) {
  const json& results = document.at("results");
  std::string body = "<h1>lethe evaluation</h1>\n";
  body += "<p>Suite: <code>" + html_escape(document.value("suite", "")) + "</code></p>\n";
  body += html_results_table(results, names);
  body += "<h2>Base, unlearned, oracle</h2>\n" + legend(names) + "<div class=\"grid\">\n";
  for (const auto& metric : kMetrics) {
    if (any_has(results, names, json::json_pointer(metric.pointer))) body += bar_chart(results, names, metric);
  }
  body += "</div>\n<h2>Membership inference</h2>\n" + roc_chart(results, names);
  std::string sweep = sweep_chart(results, names);
  if (!sweep.empty()) body += "<h2>Relearning</h2>\n" + sweep;
  if (!curves.empty()) {
    body += "<h2>During unlearning</h2>\n<div class=\"grid\">\n";
    for (const auto& curve : curves) body += curve_chart(curve);
    body += "</div>\n";
  }
  return html_page("lethe evaluation", body);
}

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
         "</title>\n<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}"
         "td:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}</style>\n"
         "</head><body>\n" +
         body + "</body></html>\n";
}

std::vector<TrainingCurve> read_training_curves(const std::string& metrics_log_path) {
  std::map<std::string, TrainingCurve> by_name;
  for_each_jsonl_record(metrics_log_path, [&](const JsonlRecord& record) {
    const json& object = record.object();
    if (!object.contains("eval") || !object["eval"].is_object() || !object.contains("step")) return;
    for (const auto& [name, value] : object["eval"].items()) {
      if (!value.is_number()) continue;
      auto& curve = by_name[name];
      curve.name = name;
      curve.steps.push_back(object["step"].get<double>());
      curve.values.push_back(value.get<double>());
    }
  });
  std::vector<TrainingCurve> out;
  for (auto& [name, curve] : by_name) out.push_back(std::move(curve));
  return out;
}

}  // namespace lethe::eval
