#pragma once
// Work cut into tasks (batches of a metric, runs of an attack) shared out over the processes:
// task t is computed by process t % size, and every process receives every task's result, in task
// order. A task is the unit one process would compute anyway, so the results are those of one
// process computing them all, whatever the number of processes. One process: a plain loop.
#include <cstdint>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

namespace lethe::dist {

// compute(t) for t in [0, count), each on its process; on_round(first, end) on every process after
// the results of tasks [first, end) have been gathered (a round: one task per process).
std::vector<nlohmann::json> round_robin(int64_t count, const std::function<nlohmann::json(int64_t task)>& compute,
                                        const std::function<void(int64_t first, int64_t end)>& on_round = {});

}  // namespace lethe::dist
