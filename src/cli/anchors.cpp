// lethe anchors: stage 2 of the method, the anchored-term dictionary. Either a user's dictionary
// with the paper's rules applied, or one built from the corpora (src/unlearn/anchor_mining.h),
// printed with its scores and, given the gold dictionary, its precision and recall.
#include <fmt/core.h>

#include <filesystem>
#include <set>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "cli/runtime.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "unlearn/anchor_dictionary.h"
#include "unlearn/anchor_mining.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

namespace fs = std::filesystem;

struct AnchorsOptions {
  std::string dictionary;  // a user's dictionary to check
  bool paper_rules = true;
  std::vector<std::string> forget, reference;
  std::string base_dir, reinforced_dir, gold, out, review;
  size_t show = 40;  // rows printed
  unlearn::MiningOptions mining;
  RuntimeOptions runtime;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string read_all(const std::vector<std::string>& files) {
  std::string text;
  for (const auto& f : files) text += io::read_file(f) + "\n";
  return text;
}

void write_dictionary(const std::string& path, const unlearn::AnchorDictionary& dictionary) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& e : dictionary) j[e.term] = e.substitutes;
  io::write_json_atomic(path, j);
  fmt::print("dictionary of {} terms written to {}\n", dictionary.size(), path);
}

void check_user_dictionary(const AnchorsOptions& o) {
  auto dictionary = unlearn::read_anchor_dictionary(o.dictionary);
  auto kept = o.paper_rules ? unlearn::apply_paper_rules(dictionary) : dictionary;
  for (const auto& e : kept) fmt::print("{:<32} -> {}\n", e.term, join(e.substitutes));
  if (kept.size() < dictionary.size()) {
    std::set<std::string> kept_terms;
    for (const auto& e : kept) kept_terms.insert(e.term);
    fmt::print("dropped by the paper's rules (their parts are translated instead):\n");
    for (const auto& e : dictionary)
      if (!kept_terms.count(e.term)) fmt::print("  {}\n", e.term);
  }
  fmt::print("{} terms, {} kept\n", dictionary.size(), kept.size());
  if (!o.out.empty()) write_dictionary(o.out, kept);
}

void mine_dictionary(const AnchorsOptions& o) {
  if (o.forget.empty() || o.reference.empty())
    throw Error("anchors: give --dictionary FILE, or --forget and --reference corpora to build one");
  if (o.base_dir.empty() != o.reinforced_dir.empty())
    throw Error("anchors: the model preference needs both --base and --reinforced");
  if (!o.out.empty()) io::prepare_output_file(o.out);
  if (!o.review.empty()) io::prepare_output_file(o.review);
  std::string forget_text = read_all(o.forget);
  auto candidates = unlearn::mine_anchor_terms(forget_text, read_all(o.reference), o.mining, !o.base_dir.empty());
  if (!o.base_dir.empty()) {
    apply_runtime(o.runtime);
    auto device = o.runtime.resolve_device();
    auto tok = tokenizer::load_tokenizer(o.base_dir);
    auto base = model::load_causal_lm(o.base_dir, device, o.runtime.resolve_dtype(device));
    auto reinforced = model::load_causal_lm(o.reinforced_dir, device, o.runtime.resolve_dtype(device));
    fmt::print(stderr, "scoring {} candidates with both models\n", candidates.size());
    unlearn::add_model_preference(candidates, forget_text, base, reinforced, *tok, o.mining);
  }
  fmt::print("{:<28} {:<12} {:<7} {:>5} {:>7} {:>7} {:>9} {:>10} {:>7}  substitutes\n", "term", "kind", "gender",
             "conf.", "forget", "refer.", "freq.", "preference", "she-he");
  for (size_t i = 0; i < candidates.size() && i < o.show; ++i) {
    const auto& c = candidates[i];
    fmt::print("{:<28} {:<12} {:<7} {:>5.2f} {:>7} {:>7} {:>9.2f} {:>10.3f} {:>7.2f}  {}\n", c.term, c.named.kind,
               c.named.gender, c.named.confidence, c.forget_count, c.reference_count, c.frequency_score, c.preference,
               c.she_preference, join(c.substitutes));
  }
  if (candidates.size() > o.show) fmt::print("... and {} more (--show N prints more)\n", candidates.size() - o.show);
  auto dictionary = unlearn::to_dictionary(candidates);
  if (!o.gold.empty()) {
    // A gold review file needs terms (and kinds), not substitutes.
    const bool review = fs::path(o.gold).extension() == ".tsv";
    std::vector<unlearn::ReviewRow> gold_rows = review ? unlearn::read_review_file(o.gold) : std::vector<unlearn::ReviewRow>();
    unlearn::AnchorDictionary gold = review ? unlearn::AnchorDictionary() : unlearn::read_anchor_dictionary(o.gold);
    for (const auto& row : gold_rows) gold.push_back({row.term, row.substitutes});
    auto found = o.paper_rules ? unlearn::apply_paper_rules(dictionary) : dictionary;
    auto cmp = unlearn::compare_with_gold(found, gold);
    fmt::print("against {}: precision {:.3f}, recall {:.3f}, F1 {:.3f} ({} found, {} gold)\n", o.gold, cmp.precision,
               cmp.recall, cmp.f1, found.size(), gold.size());
    auto head = [](std::vector<std::string> v) {
      if (v.size() > 12) v.resize(12);
      return join(v);
    };
    if (!cmp.missed.empty()) fmt::print("  missed ({}): {}\n", cmp.missed.size(), head(cmp.missed));
    if (!cmp.extra.empty()) fmt::print("  not in gold ({}): {}\n", cmp.extra.size(), head(cmp.extra));
    if (review) {
      auto kinds = unlearn::compare_kinds(candidates, gold_rows);
      fmt::print("kind accuracy {:.3f} ({} terms), gender accuracy {:.3f} ({} persons)\n", kinds.kind_accuracy,
                 kinds.kinds_compared, kinds.gender_accuracy, kinds.genders_compared);
      if (!kinds.wrong.empty()) fmt::print("  wrong: {}\n", head(kinds.wrong));
    }
  }
  if (!o.review.empty()) {
    unlearn::write_review_file(o.review, unlearn::to_review_rows(candidates));
    fmt::print("review file of {} terms written to {} (edit it, then pass it as --dictionary)\n", candidates.size(),
               o.review);
  }
  if (!o.out.empty()) write_dictionary(o.out, dictionary);
}

}  // namespace

void register_anchors(CLI::App& app) {
  auto o = std::make_shared<AnchorsOptions>();
  auto& m = o->mining;
  auto* cmd = app.add_subcommand("anchors", "Check a dictionary of anchored terms, or build one from the corpora");
  auto* dictionary = cmd->add_option("--dictionary", o->dictionary,
                                     "a dictionary to check: JSON term -> [substitutes], or a review file (.tsv)");
  cmd->add_flag("!--no-paper-rules", o->paper_rules, "keep multi-word terms made of terms, and possessives");
  cmd->add_option("--forget", o->forget, "forget corpus text file (repeatable): build a dictionary from it")
      ->excludes(dictionary);
  cmd->add_option("--reference", o->reference, "reference text files (retain, general English)");
  cmd->add_option("--base", o->base_dir, "baseline model: with --reinforced, scores the models' preference");
  cmd->add_option("--reinforced", o->reinforced_dir, "reinforced model (lethe reinforce)");
  cmd->add_option("--gold", o->gold,
                  "a gold dictionary: prints precision and recall against it (and, for a review file with kinds "
                  "and genders, their accuracy)");
  cmd->add_option("--out", o->out, "write the dictionary here (JSON)");
  cmd->add_option("--review", o->review,
                  "write every term with its kind, gender, confidence, counts, substitutes and two examples as a "
                  "tab-separated file to correct by hand; --dictionary reads it back");
  cmd->add_option("--show", o->show, "rows of the table printed")->check(follows(util::at_least(0)))
      ->capture_default_str();
  cmd->add_option("--min-count", m.min_count, "occurrences in the forget corpus")->check(follows(util::at_least(1)))
      ->capture_default_str();
  cmd->add_option("--min-score", m.min_score, "frequency log-ratio + preference to keep a term")
      ->check(follows(util::finite()))->capture_default_str();
  cmd->add_option("--min-frequency-score", m.min_frequency_score,
                  "with --base and --reinforced: the frequency log-ratio from which the models score a candidate")
      ->check(follows(util::finite()))->capture_default_str();
  cmd->add_option("--substitutes", m.substitutes, "generic substitutes per term")->check(CLI::Range(1, 8))
      ->capture_default_str();
  cmd->add_option("--contexts", m.contexts, "occurrences scored per term by the models")
      ->check(follows(util::at_least(1)))->capture_default_str();
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { o->dictionary.empty() ? mine_dictionary(*o) : check_user_dictionary(*o); });
}

}  // namespace lethe::cli
