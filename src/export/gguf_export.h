#pragma once
// A Hugging Face model directory as one GGUF file for llama.cpp (and ollama, LM Studio, ...):
// the llama architecture (Llama, Mistral, TinyLlama, SmolLM) or qwen2, its hyperparameters from
// config.json, the weights under llama.cpp's tensor names (q and k rows permuted into the
// interleaved rotary layout that llama.cpp's llama architecture expects), and the vocabulary.
// Tensors are converted one at a time, so a model larger than memory exports; the file is written
// atomically and read back before the export counts as done.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/gguf.h"

namespace lethe::exporting {

struct GgufExportResult {
  std::string architecture;  // "llama" or "qwen2"
  io::GgmlType type = io::GgmlType::kF32;  // of the matrices; norms and biases stay f32
  int64_t tensors = 0;
  uint64_t bytes = 0;
  std::vector<std::string> warnings;  // what llama.cpp will do differently, and q8_0 fallbacks
};

// "f32", "f16", "bf16", "q8_0"; throws lethe::Error naming the accepted names.
io::GgmlType ggml_type_from_name(const std::string& name);

// type: of the matrices; none keeps the checkpoint's own (F32, F16 or BF16).
GgufExportResult export_gguf(const std::filesystem::path& model_dir, const std::filesystem::path& out,
                             std::optional<io::GgmlType> type);

}  // namespace lethe::exporting
