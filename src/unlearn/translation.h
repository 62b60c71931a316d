#pragma once
// Stage 3, steps 1-3 of the method (docs: whp-method.md): a block translated into generic text,
// the map from each original position to the translated position that plays its role, and the
// tokens to suppress from where each substitute was used on (its distinctive word's first token).
#include <cstdint>
#include <utility>
#include <vector>

#include "unlearn/term_matcher.h"

namespace lethe::unlearn {

struct Translation {
  std::vector<int32_t> tokens;  // (Lt) the translated block
  // (L) per original position i: the translated position whose output predicts what follows i,
  // or -1 where i gets no label (inside a term, or just before a repeated term).
  std::vector<int64_t> position_map;
  // (translated position from which on, token id): the suppressed tokens of the substitutes used so far.
  std::vector<std::pair<int64_t, int32_t>> suppressed;
};

// Scans the block left to right, replacing each longest term match with a substitute drawn once
// per term and block from `seed` (so the K translations of a block differ by their seeds).
Translation translate_block(const std::vector<int32_t>& block, const TermMatcher& matcher, uint64_t seed);

}  // namespace lethe::unlearn
