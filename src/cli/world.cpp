// lethe world generate: the demo world (saga, retain world, general text and ground truth).
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "io/file.h"
#include "world/generate.h"

namespace lethe::cli {

void register_world(CLI::App& app) {
  auto o = std::make_shared<world::WorldOptions>();
  auto out = std::make_shared<std::string>();
  auto* group = app.add_subcommand("world", "The demo world: a generated saga to forget, a world to keep");
  group->require_subcommand(1);
  auto* cmd = group->add_subcommand("generate", "Write the saga, the retain world, general text and ground truth");
  cmd->add_option("--out", *out, "output directory")->required();
  cmd->add_option("--seed", o->seed, "seed: the same seed gives the same bytes")->capture_default_str();
  using util::at_least;
  cmd->add_option("--chapters", o->train_chapters, "training chapters per fiction")->check(follows(at_least(1)))
      ->capture_default_str();
  cmd->add_option("--holdout-chapters", o->holdout_chapters, "held-out chapters per fiction")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--mentions", o->mentions_per_fact, "times each fact is told in training")
      ->check(follows(at_least(1)))->capture_default_str();
  cmd->add_option("--general-words", o->general_words, "words of WordNet glosses")->check(follows(at_least(0)))
      ->capture_default_str();
  cmd->add_option("--wordnet", o->wordnet_dir, "WordNet data directory")->capture_default_str();
  cmd->add_option("--hero-name", o->hero_name,
                  "rename the saga's most frequent character to this common first name (the paper's \"Harry\")");
  cmd->callback([o, out] {
    io::prepare_output_folder(*out);
    auto summary = world::generate_world(*o, *out);
    fmt::print("{} facts in the saga, {} in the retain world, {} sentence patterns\n", summary.facts_saga,
               summary.facts_retain, summary.patterns);
    for (const auto& [file, words] : summary.words) fmt::print("  {:<40} {:>9} words\n", file, words);
    for (const auto& [file, items] : summary.items) fmt::print("  {:<40} {:>9} items\n", file, items);
    fmt::print("world written to {}\n", *out);
  });
}

}  // namespace lethe::cli
