#pragma once
// Stage 3 of the method over a whole corpus: the token stream is cut into blocks; for each block
// the reinforced model reads the original, the baseline model reads K translations, and the
// generic labels for every alpha (hard, and optionally soft top-k) are streamed to a label file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/llama.h"
#include "unlearn/term_matcher.h"

namespace lethe::unlearn {

struct LabelOptions {
  int64_t block_length = 512;        // the paper's
  std::vector<double> alphas = {5.0};  // one label set per alpha; the paper's alpha is 5
  int64_t translations = 1;          // K translations per block, their v averaged (lethe's option)
  int64_t soft_top_k = 0;            // 0: hard labels only (the paper)
  double temperature = 1.0;          // of the soft targets
  int64_t batch_size = 4;            // blocks per forward pass
  uint64_t seed = 0;                 // substitute draws
};

// Writes the label file; `provenance` (hashes of models, corpus, dictionary, options) goes into
// its header. on_block(blocks done) after every batch. Returns the number of blocks.
int64_t write_generic_labels(model::CausalLM& base, model::CausalLM& reinforced, const TermMatcher& matcher,
                             const std::vector<int32_t>& corpus, const LabelOptions& options,
                             const nlohmann::json& provenance, const std::filesystem::path& out,
                             const std::function<void(int64_t)>& on_block = {});

}  // namespace lethe::unlearn
