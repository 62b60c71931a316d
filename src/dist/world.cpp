#include "dist/world.h"

#include <fmt/core.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/version.h>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <numeric>

#include "util/error.h"

namespace lethe::dist {

// The class Gloo's and NCCL's process groups derive from: ProcessGroup in torch 1.13, Backend in 2.x;
// both have the collectives used here.
#if TORCH_VERSION_MAJOR >= 2
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

struct World::Group {
  c10::intrusive_ptr<Collectives> group;
  torch::Device device = torch::kCPU;  // where the collectives' own tensors live
  std::string backend;
};

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int environment_number(const char* name, int fallback, int at_least) {
  const std::string text = environment(name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || value < at_least || value > (1 << 20))
    throw Error(fmt::format("the environment variable {}={} is not a whole number of at least {}", name, text,
                            at_least));
  return static_cast<int>(value);
}

// The store every process meets at. Under torchrun's static rendezvous its agent already serves
// one at MASTER_ADDR:MASTER_PORT (TORCHELASTIC_USE_AGENT_STORE=True): every process is a client,
// under the prefix torch's own workers use. Otherwise process 0 serves it.
c10::intrusive_ptr<c10d::Store> rendezvous(int rank, int size) {
  const std::string address = environment("MASTER_ADDR");
  if (address.empty() || environment("MASTER_PORT").empty())
    throw Error(fmt::format("WORLD_SIZE is {}, but MASTER_ADDR and MASTER_PORT are not both set: launch with torchrun "
                            "(torchrun --nproc_per_node N --no_python lethe ...) or set them yourself",
                            size));
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(environment_number("MASTER_PORT", 0, 1));
  options.numWorkers = size;
  const bool agent_store = environment("TORCHELASTIC_USE_AGENT_STORE") == "True";
  options.isServer = !agent_store && rank == 0;
  options.multiTenant = !agent_store;
  auto store = c10::make_intrusive<c10d::TCPStore>(address, options);
  const std::string attempt = environment("TORCHELASTIC_RESTART_COUNT");
  return c10::make_intrusive<c10d::PrefixStore>(
      agent_store ? fmt::format("/worker/attempt_{}/lethe", attempt.empty() ? "0" : attempt) : "lethe", store);
}

std::unique_ptr<World::Group> join(int rank, int size, int local_rank) {
  auto group = std::make_unique<World::Group>();
  auto store = rendezvous(rank, size);
#ifdef USE_C10D_NCCL
  if (torch::cuda::is_available()) {
    group->device = torch::Device(torch::kCUDA, local_rank);
    group->backend = "nccl";
    group->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size);
    return group;
  }
#endif
  auto options = c10d::ProcessGroupGloo::Options::create();
  const std::string interface = environment("GLOO_SOCKET_IFNAME");  // as torch reads it
  options->devices.push_back(interface.empty() ? c10d::ProcessGroupGloo::createDefaultDevice()
                                               : c10d::ProcessGroupGloo::createDeviceForInterface(interface));
  group->backend = "gloo";
  group->group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
  return group;
}

struct Bucket {
  int owner = 0;
  std::vector<torch::Tensor> tensors;  // of one dtype and device
};

// Tensors cut into runs of one owner, dtype and device of about bucket_bytes each.
std::vector<Bucket> buckets(const std::vector<torch::Tensor>& tensors, const std::vector<int>& owners,
                            int64_t bucket_bytes) {
  std::map<std::string, std::vector<size_t>> by_kind;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    by_kind[fmt::format("{}/{}/{}", owners[i], t.device().str(), c10::toString(t.scalar_type()))].push_back(i);
  }
  std::vector<Bucket> out;
  for (const auto& [kind, indices] : by_kind) {
    size_t bytes = 0;
    out.push_back({owners[indices[0]], {}});
    for (size_t i : indices) {
      if (bytes > 0 && bytes + tensors[i].nbytes() > static_cast<size_t>(bucket_bytes))
        out.push_back({owners[i], {}}), bytes = 0;
      out.back().tensors.push_back(tensors[i]);
      bytes += tensors[i].nbytes();
    }
  }
  return out;
}

// The trained tensors that have a gradient slot: a missing gradient counts as zeros.
std::vector<torch::Tensor> gradients_of(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> gradients;
  for (const auto& p : parameters) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    gradients.push_back(p.grad());
  }
  return gradients;
}

torch::Tensor flatten(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> flat;
  for (const auto& t : tensors) flat.push_back(t.reshape({-1}));
  return torch::cat(flat);
}

void unflatten(const torch::Tensor& flat, const std::vector<torch::Tensor>& into) {
  int64_t offset = 0;
  for (const auto& t : into) {
    t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
    offset += t.numel();
  }
}

}  // namespace

namespace {
thread_local int alone_scopes = 0;  // ThisProcessAlone objects alive on this thread
}  // namespace

World& World::get() {
  static World world;
  static World alone(1);
  return alone_scopes > 0 ? alone : world;
}

World::World(int) {}

ThisProcessAlone::ThisProcessAlone() { ++alone_scopes; }
ThisProcessAlone::~ThisProcessAlone() { --alone_scopes; }

World::World() {
  size_ = environment_number("WORLD_SIZE", 1, 1);
  rank_ = environment_number("RANK", 0, 0);
  local_rank_ = environment_number("LOCAL_RANK", rank_, 0);
  if (rank_ >= size_) throw Error(fmt::format("RANK {} is not below WORLD_SIZE {}", rank_, size_));
  if (size_ > 1) group_ = join(rank_, size_, local_rank_);
}

World::~World() = default;

std::string World::backend() const { return group_ ? group_->backend : "none"; }

void World::barrier() {
  if (group_) group_->group->barrier()->wait();
}

void World::sum_gradients(const std::vector<torch::Tensor>& parameters, int64_t bucket_bytes) {
  if (!group_) return;
  auto gradients = gradients_of(parameters);
  for (const auto& bucket : buckets(gradients, std::vector<int>(gradients.size(), 0), bucket_bytes)) {
    std::vector<torch::Tensor> flat = {flatten(bucket.tensors)};
    group_->group->allreduce(flat)->wait();
    unflatten(flat[0], bucket.tensors);
  }
}

void World::sum_gradients_to_owners(const std::vector<torch::Tensor>& parameters, const std::vector<int>& owners,
                                    int64_t bucket_bytes) {
  if (!group_) return;
  for (const auto& bucket : buckets(gradients_of(parameters), owners, bucket_bytes)) {
    std::vector<torch::Tensor> flat = {flatten(bucket.tensors)};
    c10d::ReduceOptions options;
    options.rootRank = bucket.owner;
    group_->group->reduce(flat, options)->wait();
    if (bucket.owner == rank_) unflatten(flat[0], bucket.tensors);
  }
  for (size_t i = 0; i < parameters.size(); ++i)
    if (owners[i] != rank_) parameters[i].mutable_grad() = torch::Tensor();
}

void World::broadcast_from_main(const std::vector<torch::Tensor>& tensors, int64_t bucket_bytes) {
  broadcast_from_owners(tensors, std::vector<int>(tensors.size(), 0), bucket_bytes);
}

void World::broadcast_from_owners(const std::vector<torch::Tensor>& tensors, const std::vector<int>& owners,
                                  int64_t bucket_bytes) {
  if (!group_) return;
  torch::NoGradGuard no_grad;
  for (const auto& bucket : buckets(tensors, owners, bucket_bytes)) {
    std::vector<torch::Tensor> flat = {flatten(bucket.tensors)};
    c10d::BroadcastOptions options;
    options.rootRank = bucket.owner;
    group_->group->broadcast(flat, options)->wait();
    unflatten(flat[0], bucket.tensors);
  }
}

double World::sum(double value) {
  if (!group_) return value;
  std::vector<torch::Tensor> t = {torch::tensor({value}, torch::TensorOptions(torch::kDouble).device(group_->device))};
  group_->group->allreduce(t)->wait();
  return t[0].item<double>();
}

bool World::any(bool flag) { return sum(flag ? 1.0 : 0.0) > 0; }

int64_t World::broadcast_from_main(int64_t value) {
  if (!group_) return value;
  std::vector<torch::Tensor> t = {torch::tensor({value}, torch::TensorOptions(torch::kLong).device(group_->device))};
  group_->group->broadcast(t)->wait();
  return t[0].item<int64_t>();
}

std::vector<std::string> World::all_gather(const std::string& mine) {
  if (!group_) return {mine};
  // The collective needs one size on every process: the longest, the others padded.
  std::vector<torch::Tensor> sizes(size_);
  for (auto& s : sizes) s = torch::zeros({1}, torch::TensorOptions(torch::kLong).device(group_->device));
  std::vector<torch::Tensor> my_size = {torch::tensor({static_cast<int64_t>(mine.size())},
                                                      torch::TensorOptions(torch::kLong).device(group_->device))};
  std::vector<std::vector<torch::Tensor>> gathered_sizes = {sizes};
  group_->group->allgather(gathered_sizes, my_size)->wait();
  int64_t longest = 1;
  for (const auto& s : gathered_sizes[0]) longest = std::max(longest, s.item<int64_t>());

  auto bytes = torch::zeros({longest}, torch::kUInt8);
  std::memcpy(bytes.data_ptr<uint8_t>(), mine.data(), mine.size());
  std::vector<torch::Tensor> input = {bytes.to(group_->device)};
  std::vector<std::vector<torch::Tensor>> output(1);
  for (int r = 0; r < size_; ++r) output[0].push_back(torch::zeros({longest}, input[0].options()));
  group_->group->allgather(output, input)->wait();
  std::vector<std::string> out;
  for (int r = 0; r < size_; ++r) {
    auto received = output[0][r].cpu();
    out.emplace_back(reinterpret_cast<const char*>(received.data_ptr<uint8_t>()),
                     static_cast<size_t>(gathered_sizes[0][r].item<int64_t>()));
  }
  return out;
}

std::vector<int> balanced_owners(const std::vector<torch::Tensor>& tensors, int processes) {
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tensors[a].numel() > tensors[b].numel(); });
  std::vector<int64_t> owned(processes, 0);
  std::vector<int> owners(tensors.size(), 0);
  for (size_t i : order) {
    const int least = static_cast<int>(std::min_element(owned.begin(), owned.end()) - owned.begin());
    owners[i] = least;
    owned[least] += tensors[i].numel();
  }
  return owners;
}

}  // namespace lethe::dist
