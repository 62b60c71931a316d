#pragma once
// lethe plan: what each stage of a pipeline needs before it runs: memory per device (weights,
// gradients, optimizer states, activations, the label stage's peak) and time from its FLOPs at a
// stated share of the devices' peak. Arithmetic only, from config.json and the pipeline TOML, so a
// 70B model can be planned from its config.json alone.
#include <cstdint>
#include <string>
#include <vector>

#include "model/config.h"
#include "unlearn/pipeline_config.h"

namespace lethe::unlearn {

struct Hardware {
  int64_t devices = 1;          // processes, one per device, data parallel
  double device_memory_gb = 80;
  double peak_tflops = 156;     // per device, dense float32 products (A100 through TF32: 156)
  double mfu = 0.4;             // the share of the peak a stage reaches
};

struct StagePlan {
  std::string name;
  // Bytes per device.
  double weights = 0, gradients = 0, optimizer = 0, activations = 0, other_models = 0;
  double flops = 0;    // the whole stage, all devices together
  double seconds = 0;  // at hardware.mfu
  double total() const { return weights + gradients + optimizer + activations + other_models; }
};

struct ResourcePlan {
  int64_t parameters = 0, trained_parameters = 0;
  int64_t forget_tokens = 0;
  std::vector<StagePlan> stages;
};

// Parameters that a fine-tune trains: all, or those of the [lora] adapters.
int64_t trained_parameter_count(const model::ModelConfig& model, const PipelineConfig& pipeline);

// forget_tokens: the forget corpus in the model's tokens; retain blocks are read at
// retain_batch_size per micro-batch when the pipeline has a retain term.
ResourcePlan plan_resources(const model::ModelConfig& model, const PipelineConfig& pipeline, int64_t forget_tokens,
                            const Hardware& hardware, int64_t retain_batch_size = 4);

}  // namespace lethe::unlearn
