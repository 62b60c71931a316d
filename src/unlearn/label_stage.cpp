#include "unlearn/label_stage.h"

#include <fmt/core.h>

#include <optional>

#include "dist/world.h"
#include "model/padded_batch.h"
#include "train/trainer.h"
#include "unlearn/generic_labels.h"
#include "unlearn/label_file.h"
#include "unlearn/translation.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/rng.h"

namespace lethe::unlearn {
namespace {

uint64_t translation_seed(uint64_t seed, int64_t block, int64_t k, int64_t translations) {
  return util::Rng(seed).fork(static_cast<uint64_t>(block * translations + k)).next();
}

// Final hidden states (B,T,C) of right-padded sequences: the logits are projected a few positions
// at a time (logit_rows_per_chunk), so that a 128k vocabulary never needs a (B,T,V) tensor.
torch::Tensor hidden_of(model::CausalLM& model, const std::vector<std::vector<int32_t>>& sequences) {
  auto batch = model::pad_batch(sequences, model::PadSide::right, model->output_weight().device());
  return model->hidden_states(batch.tokens, batch.mask);
}

std::vector<int32_t> to_int32(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kInt).contiguous();
  return {c.data_ptr<int32_t>(), c.data_ptr<int32_t>() + c.numel()};
}

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

std::vector<float> to_float(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// The records of blocks first .. first + count - 1, computed together as one batch.
std::vector<LabelRecord> label_batch(model::CausalLM& base, model::CausalLM& reinforced, const TermMatcher& matcher,
                                     const std::vector<int32_t>& corpus, const LabelOptions& o, int64_t first,
                                     int64_t count) {
  const int64_t chunk = base->logit_rows_per_chunk();
  std::vector<LabelRecord> records;
  std::vector<std::vector<int32_t>> originals;
  for (int64_t b = 0; b < count; ++b) {
    auto begin = corpus.begin() + (first + b) * o.block_length;
    originals.emplace_back(begin, begin + o.block_length);
  }
  auto reinforced_hidden = hidden_of(reinforced, originals);  // (B,L,C)
  // translations[k][b], and the baseline's hidden states on them
  std::vector<std::vector<Translation>> translations(o.translations);
  std::vector<torch::Tensor> base_hidden;  // [k] (B,Lt,C)
  for (int64_t k = 0; k < o.translations; ++k) {
    std::vector<std::vector<int32_t>> translated;
    for (int64_t b = 0; b < count; ++b) {
      translations[k].push_back(
          translate_block(originals[b], matcher, translation_seed(o.seed, first + b, k, o.translations)));
      translated.push_back(translations[k].back().tokens);
    }
    base_hidden.push_back(hidden_of(base, translated));
  }
  for (int64_t b = 0; b < count; ++b) {
    LabelRecord record = {originals[b], {}, {}, {}};
    record.labels.resize(o.alphas.size());
    if (o.soft_top_k > 0) {
      record.soft_ids.resize(o.alphas.size());
      record.soft_probabilities.resize(o.alphas.size());
    }
    for (int64_t begin = 0; begin < o.block_length; begin += chunk) {
      const int64_t n = std::min(chunk, o.block_length - begin);
      auto reinforced_rows = reinforced->project(reinforced_hidden[b].narrow(0, begin, n));  // (n,V)
      std::vector<torch::Tensor> translated_rows;                                           // [k] (n,V)
      for (int64_t k = 0; k < o.translations; ++k) {
        auto at = translated_positions(translations[k][b], begin, n).to(base_hidden[k].device());
        translated_rows.push_back(base->project(base_hidden[k][b].index_select(0, at)));
      }
      for (size_t a = 0; a < o.alphas.size(); ++a) {
        std::vector<GenericLogits> per_translation;
        for (int64_t k = 0; k < o.translations; ++k)
          per_translation.push_back(
              generic_logits(translations[k][b], begin, translated_rows[k], reinforced_rows, o.alphas[a]));
        auto v = average(per_translation);
        append(record.labels[a], to_int32(hard_labels(v)));
        if (o.soft_top_k > 0) {
          auto soft = soft_targets(v, o.soft_top_k, o.temperature);
          append(record.soft_ids[a], to_int32(soft.ids));
          append(record.soft_probabilities[a], to_float(soft.probabilities));
        }
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

// The version of the translation and suppression rules, so that a label file made by other rules
// is computed afresh. 2 (2026-12-01): term forms found by the tokenizer in every context, the
// distinctive word suppressed rather than the substitute's first token. 3 (the same day): a form's
// first token is suppressed only when it holds three letters of the word's start, not a fragment.
constexpr int kLabelRules = 3;

nlohmann::json label_provenance(const LabelSources& sources, bool paper_rules, const LabelOptions& o) {
  return {{"label_rules", kLabelRules},
          {"base", sources.base},
          {"reinforced", sources.reinforced},
          {"corpus", sources.corpus},
          {"dictionary", sources.dictionary},
          {"paper_rules", paper_rules},
          {"block_length", o.block_length},
          {"alphas", o.alphas},
          {"translations", o.translations},
          {"soft_top_k", o.soft_top_k},
          {"temperature", o.temperature},
          {"batch_size", o.batch_size},
          {"seed", o.seed}};
}

LabelStageResult write_generic_labels(model::CausalLM& base, model::CausalLM& reinforced, const TermMatcher& matcher,
                                      const std::vector<int32_t>& corpus, const LabelOptions& o,
                                      const nlohmann::json& provenance, const std::filesystem::path& out,
                                      const std::string& progress_label) {
  if (o.block_length < 2 || o.alphas.empty() || o.translations < 1 || o.batch_size < 1)
    throw Error("labels: block length >= 2, at least one alpha, one translation and a batch of one are needed");
  const int64_t blocks = static_cast<int64_t>(corpus.size()) / o.block_length;
  if (blocks == 0)
    throw Error(fmt::format("labels: the forget corpus has {} tokens, fewer than one block of {}", corpus.size(),
                            o.block_length));
  if (base->config().vocab_size != reinforced->config().vocab_size)
    throw Error(fmt::format("labels: the base model has {} tokens in its vocabulary, the reinforced one {}",
                            base->config().vocab_size, reinforced->config().vocab_size));
  torch::NoGradGuard no_grad;
  const LabelFileHeader header = {o.block_length, static_cast<int64_t>(o.alphas.size()), o.soft_top_k, provenance};
  std::optional<LabelFileWriter> writer;  // the main process's
  LabelStageResult result;
  result.blocks = blocks;
  if (dist::World::get().is_main()) {
    writer.emplace(out, header);
    // Whole batches only: the blocks of a batch are computed together, so a resumed run must cut
    // the corpus into the same batches as an uninterrupted one.
    result.resumed_blocks = std::min(writer->records(), blocks) / o.batch_size * o.batch_size;
    writer->keep_records(result.resumed_blocks);
  }
  result.resumed_blocks = dist::World::get().broadcast_from_main(result.resumed_blocks);
  std::optional<util::Progress> progress;
  if (!progress_label.empty() && writer) {
    if (result.resumed_blocks > 0)
      fmt::print(stderr, "{}: resuming after block {} of {}\n", progress_label, result.resumed_blocks, blocks);
    progress.emplace(progress_label, blocks - result.resumed_blocks, "blocks");
  }
  // Each process labels one batch of every round of size() batches; the main one writes them in
  // order. The batches are those of one process, so the file is the same byte for byte.
  dist::World& world = dist::World::get();
  const int64_t round = o.batch_size * world.size();
  for (int64_t round_first = result.resumed_blocks; round_first < blocks; round_first += round) {
    const int64_t first = round_first + world.rank() * o.batch_size;
    std::string encoded;
    if (first < blocks)
      for (const auto& record : label_batch(base, reinforced, matcher, corpus, o, first,
                                            std::min(o.batch_size, blocks - first)))
        encoded += encode_label_record(record, header);
    auto batches = world.all_gather(encoded);
    if (writer) {
      for (const auto& batch : batches) writer->append_encoded(batch);
      writer->sync();
    }
    const int64_t done = std::min(round, blocks - round_first);
    if (progress) progress->advance(done);
    if (world.any(train::interrupt_requested()) && round_first + done < blocks) {
      result.interrupted = true;
      return result;
    }
  }
  if (writer) writer->commit();
  world.barrier();  // the file is there before any process reads it
  return result;
}

}  // namespace lethe::unlearn
