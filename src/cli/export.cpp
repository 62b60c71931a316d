// lethe export MODEL --gguf OUT.gguf: a model directory as one GGUF file for llama.cpp.
#include <fmt/core.h>

#include "cli/commands.h"
#include "export/gguf_export.h"
#include "model/checkpoint.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct ExportOptions {
  std::string model_dir;
  std::string gguf;
  std::string type;  // empty: the checkpoint's own
};

void run_export(const ExportOptions& o) {
  if (model::read_decoding_rule(o.model_dir))
    throw Error(fmt::format("{}: a decoding-time rule combines two models while decoding, and a GGUF file holds one: "
                            "export its base or its reinforced model", o.model_dir));
  std::optional<io::GgmlType> type;
  if (!o.type.empty()) type = exporting::ggml_type_from_name(o.type);
  auto result = exporting::export_gguf(o.model_dir, o.gguf, type);
  for (const auto& warning : result.warnings) fmt::print(stderr, "warning: {}\n", warning);
  fmt::print("{}: GGUF v3, architecture {}, {} tensors ({} matrices), {:.1f} MB, read back and checked\n", o.gguf,
             result.architecture, result.tensors, io::ggml_type_name(result.type), result.bytes / 1e6);
}

}  // namespace

void register_export(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Write a model directory in another format: GGUF for llama.cpp");
  cmd->add_option("model", o->model_dir, "model directory (Hugging Face layout)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--gguf", o->gguf, "GGUF file to write (llama and qwen2 architectures)")->required();
  cmd->add_option("--type", o->type, "type of the weight matrices (default: the checkpoint's own; norms stay f32)")
      ->check(CLI::IsMember({"f32", "f16", "bf16", "q8_0"}));
  cmd->callback([o] { run_export(*o); });
}

}  // namespace lethe::cli
