#pragma once
// The processes of one run and every collective lethe uses between them, on torch's c10d: Gloo
// for CPU tensors, NCCL for CUDA tensors in a build against a CUDA libtorch. The processes are
// launched as torchrun launches them (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; Slurm's
// srun can set the same), e.g. `torchrun --nproc_per_node 2 --no_python lethe unlearn ...`. Without
// WORLD_SIZE, or with 1, there is one process and every collective returns at once.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace lethe::dist {

class World {
 public:
  // The run's processes; the first call joins the others (a rendezvous at MASTER_ADDR:MASTER_PORT).
  static World& get();
  ~World();

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }
  bool is_main() const { return rank_ == 0; }  // the process that writes files, logs and progress
  std::string backend() const;                // "gloo", "nccl" or "none"

  void barrier();
  // Gradients of `parameters` summed over the processes, in place, in flat buckets of about
  // bucket_bytes (one collective per bucket). A parameter without a gradient counts as zeros.
  void sum_gradients(const std::vector<torch::Tensor>& parameters, int64_t bucket_bytes = int64_t{25} << 20);
  // Every process's tensors set to process 0's, in buckets.
  void broadcast_from_main(const std::vector<torch::Tensor>& tensors, int64_t bucket_bytes = int64_t{25} << 20);

  // Sharded optimizer states (ZeRO): each trained tensor has an owning process, owners[i], which
  // alone updates it. Gradients summed into their owner only, the others' dropped (stage 2).
  void sum_gradients_to_owners(const std::vector<torch::Tensor>& parameters, const std::vector<int>& owners,
                               int64_t bucket_bytes = int64_t{25} << 20);
  // Every process's tensors set to their owners' values, in buckets.
  void broadcast_from_owners(const std::vector<torch::Tensor>& tensors, const std::vector<int>& owners,
                             int64_t bucket_bytes = int64_t{25} << 20);
  double sum(double value);
  bool any(bool flag);
  int64_t broadcast_from_main(int64_t value);
  // Every process's bytes, in rank order, on every process.
  std::vector<std::string> all_gather(const std::string& mine);

  struct Group;  // c10d's process group and its device (dist/world.cpp)

 private:
  friend class ThisProcessAlone;
  World();
  explicit World(int alone);  // rank 0 of 1, whatever the environment says
  int rank_ = 0, size_ = 1, local_rank_ = 0;
  std::unique_ptr<Group> group_;  // null for one process
};

// While one lives, World::get() is this process alone (rank 0 of 1, the main one): for work that one
// process does by itself while the others do other work (one run of the relearning sweep), or
// that the main process does alone (a training probe). Nested scopes are allowed.
class ThisProcessAlone {
 public:
  ThisProcessAlone();
  ~ThisProcessAlone();
  ThisProcessAlone(const ThisProcessAlone&) = delete;
  ThisProcessAlone& operator=(const ThisProcessAlone&) = delete;
};

// An owner for each tensor such that the processes own about as many elements each: the largest
// tensor first, each to the process that owns the fewest elements so far.
std::vector<int> balanced_owners(const std::vector<torch::Tensor>& tensors, int processes);

}  // namespace lethe::dist
