#pragma once
// The merge rules of a BPE model and their application to one word, in exactly the order Hugging
// Face's Word::merge_all applies them: always the pair of lowest rank next, the leftmost first.
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace lethe::tokenizer {

struct MergeRule {
  int32_t rank;    // position in the merges list: lower merges first
  int32_t result;  // id of the merged token
};

class MergeTable {
 public:
  // A later rule for the same pair replaces the earlier one (as a Rust HashMap collect does).
  void add(int32_t left, int32_t right, MergeRule rule);
  std::optional<MergeRule> find(int32_t left, int32_t right) const;

  // The ids of a word's symbols after all merges that apply.
  std::vector<int32_t> merge(const std::vector<int32_t>& symbols) const;

 private:
  static uint64_t key(int32_t left, int32_t right);
  std::unordered_map<uint64_t, MergeRule> rules_;
};

}  // namespace lethe::tokenizer
