#include "compare/compare_config.h"

#include <fmt/core.h>

#include <cctype>
#include <set>
#include <type_traits>

#include "unlearn/pipeline_config_table.h"
#include "util/error.h"
#include "util/number_rule.h"

namespace lethe::compare {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxGrid = 4;

[[noreturn]] void fail(const fs::path& file, const toml::node& node, const std::string& what) {
  throw Error(fmt::format("{}:{}: {}", file.string(), node.source().begin.line, what));
}

// Reads keys of one table, each checked for its type and rule; unknown keys are refused.
class Keys {
 public:
  Keys(const toml::table& table, fs::path file, std::string section)
      : table_(table), file_(std::move(file)), section_(std::move(section)) {}

  template <typename T>
  void get(const char* key, T& out, const util::NumberRule* rule = nullptr) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto value = node->value<T>();
    if (!value) fail(file_, *node, name(key) + " has the wrong type");
    if constexpr (std::is_arithmetic_v<T>) {
      if (rule && !rule->what_is_wrong(static_cast<double>(*value)).empty())
        fail(file_, *node, name(key) + " " + rule->what_is_wrong(static_cast<double>(*value)));
    }
    out = *value;
  }
  void count(const char* key, size_t& out, const util::NumberRule& rule) {
    int64_t value = static_cast<int64_t>(out);
    get(key, value, &rule);
    out = static_cast<size_t>(value);
  }
  void path(const char* key, fs::path& out, bool required) {
    std::string text;
    get(key, text);
    if (text.empty() && required) throw Error(fmt::format("{}: {} is required", file_.string(), name(key)));
    if (!text.empty()) out = fs::path(text).is_absolute() ? fs::path(text) : file_.parent_path() / text;
  }
  const toml::node* node(const char* key) {
    known_.insert(key);
    return table_.get(key);
  }
  void reject_unknown() const {
    for (const auto& [key, value] : table_)
      if (!known_.count(std::string(key.str())))
        fail(file_, value, name(std::string(key.str())) + " is not a setting of lethe compare");
  }

 private:
  std::string name(const std::string& key) const { return section_.empty() ? key : section_ + "." + key; }
  const toml::table& table_;
  fs::path file_;
  std::string section_;
  std::set<std::string> known_;
};

const toml::table& table_at(const fs::path& file, Keys& parent, const char* key) {
  static const toml::table empty;
  const toml::node* node = parent.node(key);
  if (!node) return empty;
  if (!node->is_table()) fail(file, *node, std::string(key) + " must be a table");
  return *node->as_table();
}

// "finetune.lr=1e-05, npo.beta=0.05": the setting's keys, flattened, in the table's order.
void flatten(const toml::table& table, const std::string& prefix, std::vector<std::string>& parts) {
  for (const auto& [key, value] : table) {
    std::string name = prefix + std::string(key.str());
    if (const auto* sub = value.as_table()) {
      flatten(*sub, name + ".", parts);
    } else if (auto number = value.value<double>()) {
      parts.push_back(fmt::format("{}={:g}", name, *number));
    } else if (auto text = value.value<std::string>()) {
      parts.push_back(fmt::format("{}={}", name, *text));
    } else if (auto flag = value.value<bool>()) {
      parts.push_back(fmt::format("{}={}", name, *flag));
    } else {
      parts.push_back(name + "=[...]");
    }
  }
}

std::string setting_label(const toml::table& overrides) {
  std::vector<std::string> parts;
  flatten(overrides, "", parts);
  if (parts.empty()) return "defaults";
  std::string label = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) label += ", " + parts[i];
  return label;
}

// `over`'s keys into `into`: tables merged key by key, any other value replaced.
void merge(toml::table& into, const toml::table& over) {
  for (const auto& [key, value] : over) {
    toml::node* existing = into.get(key.str());
    if (value.is_table() && existing && existing->is_table()) {
      merge(*existing->as_table(), *value.as_table());
    } else {
      into.insert_or_assign(key, value);
    }
  }
}

bool is_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

ComparedMethod read_method(const toml::table& table, const fs::path& file, size_t index) {
  ComparedMethod m;
  Keys keys(table, file, fmt::format("methods[{}]", index));
  keys.get("name", m.name);
  if (m.name == "base" || m.name == "oracle")
    throw Error(fmt::format("{}: methods[{}].name \"{}\" is the report's name for the {} model", file.string(), index,
                            m.name, m.name));
  if (!is_name(m.name))
    throw Error(fmt::format("{}: methods[{}].name \"{}\": give a name of letters, digits, '-', '_' or '.'",
                            file.string(), index, m.name));
  keys.path("config", m.config, /*required=*/true);
  if (!fs::is_regular_file(m.config))
    throw Error(fmt::format("{}: method {}: config {} is not a file", file.string(), m.name, m.config.string()));
  const toml::node* grid = keys.node("grid");
  if (!grid) {
    m.grid.push_back({"defaults", {}, file.string()});
  } else {
    const auto* settings = grid->as_array();
    if (!settings || settings->empty()) fail(file, *grid, "method " + m.name + ": grid must be a list of tables");
    if (settings->size() > kMaxGrid)
      fail(file, *grid, fmt::format("method {}: grid has {} settings, at most {}", m.name, settings->size(), kMaxGrid));
    for (const auto& setting : *settings) {
      const auto* overrides = setting.as_table();
      if (!overrides) fail(file, setting, "method " + m.name + ": each grid setting must be a table");
      if (overrides->contains("out") || overrides->at_path("finetune.epochs"))
        fail(file, setting, "method " + m.name + ": a grid setting may not set out or finetune.epochs (the budget)");
      m.grid.push_back({setting_label(*overrides), *overrides,
                        fmt::format("{}:{}", file.string(), setting.source().begin.line)});
    }
  }
  keys.reject_unknown();
  return m;
}

}  // namespace

CompareConfig read_compare_config(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error(fmt::format("{}: not a file; give a compare TOML file (configs/compare.toml)", path.string()));
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw Error(fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
  }
  CompareConfig c;
  c.file = path;
  Keys top(table, path, "");
  top.path("out", c.out, true);
  top.path("suite", c.suite, true);
  top.path("oracle", c.oracle, true);
  top.path("general_text", c.general_text, true);
  const auto positive = util::above(0), one_or_more = util::at_least(1), fraction = util::fraction();
  Keys budget(table_at(path, top, "budget"), path, "budget");
  budget.get("epochs", c.budget_epochs, &positive);
  budget.reject_unknown();
  Keys split(table_at(path, top, "split"), path, "split");
  split.count("validation_items", c.validation_items, one_or_more);
  split.count("test_items", c.test_items, util::at_least(0));
  split.reject_unknown();
  Keys selection(table_at(path, top, "selection"), path, "selection");
  selection.get("retain_qa_drop", c.retain_qa_drop, &fraction);
  selection.get("perplexity_rise", c.perplexity_rise, &fraction);
  selection.reject_unknown();
  Keys eval(table_at(path, top, "eval"), path, "eval");
  eval.get("batch_size", c.batch_size, &one_or_more);
  const auto none_or_more = util::at_least(0);
  eval.get("relearn_steps", c.relearn_steps, &none_or_more);
  eval.get("relearn_passages", c.relearn_passages, &one_or_more);
  eval.get("relearn_lr", c.relearn_lr, &positive);
  eval.reject_unknown();
  const toml::node* methods = top.node("methods");
  if (!methods || !methods->is_array_of_tables() || methods->as_array()->empty())
    throw Error(path.string() + ": give the methods to compare ([[methods]] name = ..., config = ...)");
  std::set<std::string> names;
  for (const auto& method : *methods->as_array()) {
    c.methods.push_back(read_method(*method.as_table(), path, c.methods.size()));
    if (!names.insert(c.methods.back().name).second)
      throw Error(fmt::format("{}: the method name \"{}\" is used twice", path.string(), c.methods.back().name));
  }
  top.reject_unknown();
  return c;
}

unlearn::PipelineConfig run_pipeline_config(const ComparedMethod& method, const GridSetting& setting,
                                            double budget_epochs, const fs::path& run_dir) {
  toml::table table;
  try {
    table = toml::parse_file(method.config.string());
  } catch (const toml::parse_error& e) {
    throw Error(fmt::format("{}:{}: {}", method.config.string(), e.source().begin.line, e.description()));
  }
  merge(table, setting.overrides);
  table.insert_or_assign("out", fs::absolute(run_dir).string());
  toml::table budget{{"finetune", toml::table{{"epochs", budget_epochs}}}};
  merge(table, budget);
  try {
    return unlearn::read_pipeline_config(table, method.config);
  } catch (const Error& e) {
    // A value merged from the grid has lost its source (line 0): the setting's is named instead.
    const std::string unplaced = method.config.string() + ":0: ";
    const std::string what = e.what();
    if (what.rfind(unplaced, 0) != 0) throw;
    throw Error(fmt::format("{}: method {}, grid setting {}: {}", setting.source, method.name, setting.label,
                            what.substr(unplaced.size())));
  }
}

}  // namespace lethe::compare
