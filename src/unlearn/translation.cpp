#include "unlearn/translation.h"

#include <map>
#include <set>

#include "util/rng.h"

namespace lethe::unlearn {

Translation translate_block(const std::vector<int32_t>& block, const TermMatcher& matcher, uint64_t seed) {
  util::Rng rng(seed);
  Translation out;
  out.position_map.assign(block.size(), -1);
  std::map<int, int> substitute_of;  // term -> the substitute drawn for this block
  std::set<int> seen;
  size_t i = 0;
  while (i < block.size()) {
    TermMatch m = matcher.longest_match(block, i);
    if (m.term < 0) {
      out.position_map[i] = static_cast<int64_t>(out.tokens.size());
      out.tokens.push_back(block[i]);
      ++i;
      continue;
    }
    // Before a repeated term the generic model would just repeat the substitute: no label there.
    if (!seen.insert(m.term).second && i > 0) out.position_map[i - 1] = -1;
    auto chosen = substitute_of.find(m.term);
    if (chosen == substitute_of.end())
      chosen = substitute_of.emplace(m.term, static_cast<int>(rng.below(matcher.substitute_count(m.term)))).first;
    const auto& form = matcher.substitute_form(m.term, chosen->second, m.context);
    out.tokens.insert(out.tokens.end(), form.begin(), form.end());
    // Only the term's last token keeps a label: the generic prediction after the substitute.
    int64_t last = static_cast<int64_t>(out.tokens.size()) - 1;
    out.position_map[i + m.length - 1] = last;
    for (int32_t token : matcher.suppressed_tokens(m.term, chosen->second)) out.suppressed.push_back({last, token});
    i += m.length;
  }
  return out;
}

}  // namespace lethe::unlearn
