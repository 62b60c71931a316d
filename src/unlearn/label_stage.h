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
#include "unlearn/label_options.h"
#include "unlearn/term_matcher.h"

namespace lethe::unlearn {

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
