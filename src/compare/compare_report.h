#pragma once
// lethe compare's report, from the document run_comparison makes ({"methods": [...], "results":
// {...}, "budget": ..., ...}; schema in docs/compare.md): the JSON itself, a Markdown page (the
// headline table of base, each method's chosen setting and the oracle, then every setting) and a
// self-contained HTML page with the forget-versus-utility plots (inline SVG, no script).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lethe::compare {

// base, each method by name, oracle: the columns of the headline table.
std::vector<std::string> report_columns(const nlohmann::json& document);

std::string compare_markdown(const nlohmann::json& document);
std::string compare_html(const nlohmann::json& document);

// report.json at `path`, report.md and report.html beside it; each written atomically.
void write_compare_report(const std::filesystem::path& path, const nlohmann::json& document);

}  // namespace lethe::compare
