#pragma once
// The tensors a checkpoint of a config must hold, known from config.json alone, so that a model
// directory is checked against its config before anything is allocated: by loading and by
// `lethe info` alike.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/tensor_store.h"
#include "model/config.h"

namespace lethe::model {

// Calls visit(name, shape) for every parameter CausalLM registers for this config, with Hugging
// Face's names; stops early when visit returns false (a config may claim a billion layers).
void for_each_expected_tensor(const ModelConfig& config,
                              const std::function<bool(const std::string&, const std::vector<int64_t>&)>& visit);

// Throws lethe::Error naming the directory and the tensor when the store and the config disagree:
// a tensor missing, of another shape or not of a floating-point type, or one the config has no
// place for (rotary inverse frequencies, which lethe recomputes, and a tied lm_head are allowed).
void check_tensors(const ModelConfig& config, const io::TensorStore& store, const std::filesystem::path& model_dir);

}  // namespace lethe::model
