#pragma once
// General English for the demo: the glosses (definitions and usage examples) of WordNet, as
// Debian's wordnet-base installs them. Nothing of it is copied into the repository.
#include <cstddef>
#include <filesystem>
#include <string>

#include "util/rng.h"

namespace lethe::world {

using util::Rng;

struct GeneralCorpus {
  std::string train, holdout;  // one gloss per line
  size_t train_words = 0, holdout_words = 0;
};

// Glosses of data.{noun,verb,adj,adv} in a seeded order, cut to about max_words words, with
// every 50th gloss held out. Throws lethe::Error naming the file if WordNet is missing.
GeneralCorpus wordnet_glosses(const std::filesystem::path& wordnet_dir, size_t max_words, Rng& rng);

}  // namespace lethe::world
