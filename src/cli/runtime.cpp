#include "cli/runtime.h"

#include <fmt/core.h>

#include "cli/number_checks.h"
#include "dist/world.h"
#include "io/dtype.h"
#include "model/checkpoint.h"
#include "util/error.h"
#include "util/system.h"

namespace lethe::cli {

torch::Device RuntimeOptions::resolve_device() const {
  // The processes of a multi-process run on one machine take one GPU each (torchrun's LOCAL_RANK).
  if (device == "auto")
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(dist::World::get().local_rank()))
                                       : torch::Device(torch::kCPU);
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

CLI::Validator weight_dtype_check(bool allow_auto) {
  return CLI::Validator(
      [allow_auto](std::string& name) -> std::string {
        if (allow_auto && name == "auto") return "";
        try {
          io::weight_dtype_from_name(name);
          return "";
        } catch (const Error& e) {
          return e.what();
        }
      },
      "float32, bfloat16 or float16");
}

void add_runtime_options(CLI::App* command, RuntimeOptions& options) {
  command->add_option("--device", options.device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  command->add_option("--dtype", options.dtype, "weights in memory: auto, float32, bfloat16, float16")
      ->check(weight_dtype_check(/*allow_auto=*/true))->capture_default_str();
  command->add_option("--threads", options.threads, "CPU threads (0: all cores)")
      ->check(follows(util::at_least(0)))->capture_default_str();
  command->add_flag("!--no-weight-check", options.check_weights,
                    "do not scan loaded weights for NaN and infinite values");
}

void apply_runtime(const RuntimeOptions& options) {
  util::configure_threads(options.threads);
  model::set_weight_check(options.check_weights);
  // float32 products on NVIDIA GPUs through TF32 tensor cores (8x an A100's plain float32 rate),
  // as training frameworks do; torch leaves it off by default. No effect on the CPU.
  at::globalContext().setAllowTF32CuBLAS(true);
  at::globalContext().setAllowTF32CuDNN(true);
}

}  // namespace lethe::cli
