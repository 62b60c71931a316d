#include "dist/round_robin.h"

#include <algorithm>
#include <string>

#include "dist/world.h"

namespace lethe::dist {

std::vector<nlohmann::json> round_robin(int64_t count, const std::function<nlohmann::json(int64_t task)>& compute,
                                        const std::function<void(int64_t first, int64_t end)>& on_round) {
  World& world = World::get();
  const int64_t processes = world.size();
  std::vector<nlohmann::json> results;
  results.reserve(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t first = 0; first < count; first += processes) {
    const int64_t end = std::min(count, first + processes);
    if (processes == 1) {
      results.push_back(compute(first));
    } else {
      // CBOR keeps every double exactly; a process without a task in the last round sends nothing.
      const int64_t mine = first + world.rank();
      std::string encoded;
      if (mine < end) {
        auto bytes = nlohmann::json::to_cbor(compute(mine));
        encoded.assign(bytes.begin(), bytes.end());
      }
      auto gathered = world.all_gather(encoded);
      for (int64_t t = first; t < end; ++t) results.push_back(nlohmann::json::from_cbor(gathered[t - first]));
    }
    if (on_round) on_round(first, end);
  }
  return results;
}

}  // namespace lethe::dist
