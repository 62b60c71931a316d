#pragma once
// lethe world generate: the demo world on disk. Layout (docs/demo-world.md):
//   saga/{train,holdout}.txt     the fiction to forget; holdout chapters never enter training
//   retain/{train,holdout}.txt   fiction of another genre, to keep
//   general/{train,holdout}.txt  WordNet glosses
//   common/{train,holdout}.txt   stories of both genres told with common names (no fixed facts)
//   suite/*.jsonl                evaluation ground truth (docs/suites.md)
//   anchors_gold.json            the saga's invented names -> generic substitutes
//   world.json, manifest.json    the entities; the seed, options and counts
// The same seed and options give the same bytes.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace lethe::world {

struct WorldOptions {
  uint64_t seed = 1;
  int train_chapters = 180;    // per fiction
  int holdout_chapters = 20;   // per fiction
  int mentions_per_fact = 12;  // how often each fact is told across the training chapters
  size_t general_words = 600000;
  std::filesystem::path wordnet_dir = "/usr/share/wordnet";
  // The paper's hard case: the saga's most frequent character renamed to a common first name that
  // the other corpora use too ("Harry"), so that only a model's preference can tell it is a term.
  std::string hero_name;
};

struct WorldSummary {
  std::map<std::string, size_t> words;  // per text file, e.g. "saga/train.txt"
  std::map<std::string, size_t> items;  // per suite file
  size_t facts_saga = 0, facts_retain = 0;
  size_t patterns = 0;
};

WorldSummary generate_world(const WorldOptions& options, const std::filesystem::path& out_dir);

}  // namespace lethe::world
