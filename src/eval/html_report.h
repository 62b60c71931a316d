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

// The curves of a metrics log (JSONL): every numeric field of each record's "eval" object, over "step".
std::vector<TrainingCurve> read_training_curves(const std::string& metrics_log_path);

}  // namespace lethe::eval
