#pragma once
// Options every model-running command shares: device, dtype, threads.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <string>

namespace lethe::cli {

struct RuntimeOptions {
  std::string device = "auto";  // auto, cpu, cuda, cuda:N
  std::string dtype = "auto";   // auto (float32 on CPU, bfloat16 on CUDA), float32, bfloat16, float16
  int threads = 0;              // 0: all cores
  bool check_weights = true;    // scan loaded weights for NaN and infinite values

  torch::Device resolve_device() const;
  torch::Dtype resolve_dtype(torch::Device device) const;
};

void add_runtime_options(CLI::App* command, RuntimeOptions& options);

// A check of a --save-dtype (or, with allow_auto, --dtype) value while parsing: a dtype lethe can
// load and write (float32, bfloat16, float16), so that a typo is refused before the work, not after.
CLI::Validator weight_dtype_check(bool allow_auto = false);

// Applies the thread count and the weight check; call at the start of a command.
void apply_runtime(const RuntimeOptions& options);

}  // namespace lethe::cli
