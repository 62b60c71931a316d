#include "eval/training_probe.h"

#include <fmt/core.h>

#include <memory>

#include "eval/knowledge_qa.h"
#include "eval/suite_metrics.h"
#include "util/error.h"

namespace lethe::eval {
namespace {

namespace fs = std::filesystem;

struct ProbeItems {
  std::vector<QaItem> forget_qa, retain_qa;
  std::vector<CompletionPrompt> familiarity;
};

template <typename T>
std::vector<T> first_items(const fs::path& path, std::size_t limit, std::vector<T> (*read)(const fs::path&)) {
  if (!fs::exists(path)) return {};
  auto items = read(path);
  if (limit > 0 && items.size() > limit) items.resize(limit);  // 0: all, as lethe eval --limit
  return items;
}

}  // namespace

std::function<nlohmann::json(model::CausalLM&)> make_training_probe(const fs::path& suite_dir, std::size_t limit,
                                                                   const tokenizer::Tokenizer& tok) {
  auto items = std::make_shared<ProbeItems>();
  items->forget_qa = first_items(suite_dir / "forget_qa.jsonl", limit, &read_qa_suite);
  items->retain_qa = first_items(suite_dir / "retain_qa.jsonl", limit, &read_qa_suite);
  items->familiarity = first_items(suite_dir / "completion_familiarity.jsonl", limit, &read_completion_prompts);
  if (items->forget_qa.empty() && items->retain_qa.empty() && items->familiarity.empty())
    throw Error(fmt::format("{}: no forget_qa.jsonl, retain_qa.jsonl or completion_familiarity.jsonl to probe with",
                            suite_dir.string()));
  return [items, &tok](model::CausalLM& model) {
    nlohmann::json figures = nlohmann::json::object();
    if (!items->forget_qa.empty()) figures["forget_qa"] = knowledge_qa(model, tok, items->forget_qa, {}).exact_match;
    if (!items->retain_qa.empty()) figures["retain_qa"] = knowledge_qa(model, tok, items->retain_qa, {}).exact_match;
    if (!items->familiarity.empty())
      figures["completion_familiarity"] = completion_familiarity(model, tok, items->familiarity, {}).score;
    return figures;
  };
}

}  // namespace lethe::eval
