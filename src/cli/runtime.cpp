#include "cli/runtime.h"

#include <fmt/core.h>

#include "model/checkpoint.h"
#include "util/error.h"
#include "util/system.h"

namespace lethe::cli {

torch::Device RuntimeOptions::resolve_device() const {
  if (device == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  try {
    torch::Device d(device);
    if (d.is_cuda() && !torch::cuda::is_available())
      throw Error(fmt::format("--device {}: this build of torch has no CUDA device", device));
    return d;
  } catch (const c10::Error&) {
    throw Error(fmt::format("--device {}: expected cpu, cuda or cuda:N", device));
  }
}

torch::Dtype RuntimeOptions::resolve_dtype(torch::Device d) const {
  if (dtype == "auto") return d.is_cuda() ? torch::kBFloat16 : torch::kFloat;
  return model::parse_dtype(dtype);
}

void add_runtime_options(CLI::App* command, RuntimeOptions& options) {
  command->add_option("--device", options.device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  command->add_option("--dtype", options.dtype, "weights in memory: auto, float32, bfloat16, float16")
      ->capture_default_str();
  command->add_option("--threads", options.threads, "CPU threads (0: all cores)")->capture_default_str();
}

void apply_runtime(const RuntimeOptions& options) { util::configure_threads(options.threads); }

}  // namespace lethe::cli
