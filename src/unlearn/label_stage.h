#pragma once
// Stage 3 of the method over a whole corpus: the token stream is cut into blocks; for each block
// the reinforced model reads the original, the baseline model reads K translations, and the
// generic labels for every alpha (hard, and optionally soft top-k) are streamed to a label file.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
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

// Content hashes of what the labels are made from.
struct LabelSources {
  std::string base, reinforced, corpus, dictionary;
};

// The label file's provenance: the sources and every option that changes a label, the batch size
// included (a batch's translations are padded together).
nlohmann::json label_provenance(const LabelSources& sources, bool paper_rules, const LabelOptions& options);

struct LabelStageResult {
  int64_t blocks = 0;          // in the corpus
  int64_t resumed_blocks = 0;  // found done in OUT.partial, left by an interrupted run
  bool interrupted = false;    // Ctrl-C: OUT.partial keeps the finished batches for the next call
};

// Writes the label file OUT; `provenance` goes into its header. Continues OUT.partial when an
// interrupted run with the same header left one (from its last whole batch, so the file is the
// one an uninterrupted run writes), and stops after the batch in flight when Ctrl-C is pressed
// (train::interrupt_requested). A progress bar under `progress_label` unless it is empty.
LabelStageResult write_generic_labels(model::CausalLM& base, model::CausalLM& reinforced, const TermMatcher& matcher,
                                      const std::vector<int32_t>& corpus, const LabelOptions& options,
                                      const nlohmann::json& provenance, const std::filesystem::path& out,
                                      const std::string& progress_label = "");

}  // namespace lethe::unlearn
