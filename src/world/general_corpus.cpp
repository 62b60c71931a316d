#include "world/general_corpus.h"

#include <fmt/core.h>

#include <fstream>
#include <vector>

#include "util/error.h"
#include "world/text_template.h"

namespace lethe::world {
namespace {

constexpr size_t kHoldoutEvery = 50;

// A data file line is "offset lex ... | gloss  "; header lines start with two spaces.
std::vector<std::string> read_glosses(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in)
    throw Error(fmt::format("{}: cannot read WordNet data (install the Debian package wordnet-base: make deps)",
                            path.string()));
  std::vector<std::string> glosses;
  std::string line;
  while (std::getline(in, line)) {
    size_t bar = line.find(" | ");
    if (line.rfind("  ", 0) == 0 || bar == std::string::npos) continue;
    std::string gloss = line.substr(bar + 3);
    while (!gloss.empty() && (gloss.back() == ' ' || gloss.back() == '\r')) gloss.pop_back();
    if (!gloss.empty()) glosses.push_back(std::move(gloss));
  }
  return glosses;
}

}  // namespace

GeneralCorpus wordnet_glosses(const std::filesystem::path& wordnet_dir, size_t max_words, Rng& rng) {
  std::vector<std::string> glosses;
  for (const char* part : {"data.noun", "data.verb", "data.adj", "data.adv"}) {
    auto more = read_glosses(wordnet_dir / part);
    glosses.insert(glosses.end(), more.begin(), more.end());
  }
  rng.shuffle(glosses);
  GeneralCorpus corpus;
  for (size_t i = 0; i < glosses.size() && corpus.train_words + corpus.holdout_words < max_words; ++i) {
    bool held_out = i % kHoldoutEvery == kHoldoutEvery - 1;
    (held_out ? corpus.holdout : corpus.train) += glosses[i] + "\n";
    (held_out ? corpus.holdout_words : corpus.train_words) += count_words(glosses[i]);
  }
  return corpus;
}

}  // namespace lethe::world
