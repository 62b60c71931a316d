#include "tokenizer/bpe_merges.h"

#include <queue>

namespace lethe::tokenizer {
namespace {

// A merge waiting in the queue: the pair starting at symbol `position` becomes `result`.
struct Candidate {
  int32_t rank;
  std::size_t position;
  int32_t result;
};

// Orders the priority queue so that the lowest rank, then the leftmost position, comes out first.
struct LaterCandidate {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.position > b.position;
  }
};

constexpr std::ptrdiff_t kNone = -1;

// The word as a doubly linked list over its original symbol slots; a merge folds the right
// symbol into the left one and unlinks it.
struct Symbol {
  int32_t id;
  std::ptrdiff_t previous;
  std::ptrdiff_t next;
  bool removed = false;
};

}  // namespace

uint64_t MergeTable::key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

void MergeTable::add(int32_t left, int32_t right, MergeRule rule) { rules_[key(left, right)] = rule; }

std::optional<MergeRule> MergeTable::find(int32_t left, int32_t right) const {
  auto it = rules_.find(key(left, right));
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

std::vector<int32_t> MergeTable::merge(const std::vector<int32_t>& ids) const {
  std::vector<Symbol> symbols;
  symbols.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::ptrdiff_t next = i + 1 < ids.size() ? static_cast<std::ptrdiff_t>(i + 1) : kNone;
    symbols.push_back({ids[i], static_cast<std::ptrdiff_t>(i) - 1, next});
  }

  std::priority_queue<Candidate, std::vector<Candidate>, LaterCandidate> queue;
  const auto push_if_rule = [&](std::size_t position, std::size_t right) {
    if (std::optional<MergeRule> rule = find(symbols[position].id, symbols[right].id))
      queue.push({rule->rank, position, rule->result});
  };
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) push_if_rule(i, i + 1);

  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.position];
    if (left.removed || left.next == kNone) continue;
    Symbol& right = symbols[left.next];
    // Entries made stale by an earlier merge no longer describe the current pair.
    std::optional<MergeRule> rule = find(left.id, right.id);
    if (!rule || rule->result != top.result) continue;

    left.id = top.result;
    left.next = right.next;
    right.removed = true;
    if (left.next != kNone) symbols[left.next].previous = static_cast<std::ptrdiff_t>(top.position);
    if (left.previous != kNone) push_if_rule(left.previous, top.position);
    if (left.next != kNone) push_if_rule(top.position, left.next);
  }

  std::vector<int32_t> merged;
  for (const Symbol& symbol : symbols)
    if (!symbol.removed) merged.push_back(symbol.id);
  return merged;
}

}  // namespace lethe::tokenizer
