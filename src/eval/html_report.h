#pragma once
// The evaluation as one self-contained HTML page: the table of headline figures, a bar chart per
// metric (one bar per model), the membership-inference ROC curves and, given a fine-tune's metrics
// log, the figures measured during unlearning over its steps. Plots are inline SVG with no script,
// so the page works offline and in any browser.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lethe::eval {

struct TrainingCurve {
  std::string name;                   // the figure, e.g. "completion_familiarity"
  std::vector<double> steps, values;  // same length
};

// `document` is what `lethe eval` writes ({"results": {model: {...}}, ...}); `names` orders the models.
std::string html_report(const nlohmann::json& document, const std::vector<std::string>& names,
                        const std::vector<TrainingCurve>& curves);

// The pieces, for other reports (lethe compare's): text made safe in HTML; the colour of the i-th
// model; the table of headline figures, one column per model; a whole page around a body.
std::string html_escape(const std::string& text);
const char* chart_colour(size_t i);
std::string html_results_table(const nlohmann::json& results, const std::vector<std::string>& names);
std::string html_page(const std::string& title, const std::string& body);

// The curves of a metrics log (JSONL): every numeric field of each record's "eval" object, over "step".
std::vector<TrainingCurve> read_training_curves(const std::string& metrics_log_path);

}  // namespace lethe::eval
