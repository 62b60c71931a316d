// lethe info [MODEL] [--system]: what a model directory holds, and what this machine can do.
#include <fmt/core.h>
#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "io/tensor_store.h"
#include "model/checkpoint.h"
#include "model/config.h"
#include "model/expected_tensors.h"
#include "model/generate.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/system.h"

namespace lethe::cli {
namespace {

struct InfoOptions {
  std::string model_dir;
  bool system = false;
};

// Where generation stops, and which file says so: config.json and the tokenizer may name different
// tokens (Llama 3.1), and generation stops at any of them.
std::string end_of_text(const model::ModelConfig& config, const tokenizer::Tokenizer& tok) {
  auto name = [&](int64_t id) {
    return id >= 0 && id < tok.vocab_size() ? fmt::format("{} {}", id, tok.id_to_token(static_cast<int32_t>(id)))
                                            : fmt::format("{} (not in the vocabulary)", id);
  };
  std::vector<std::string> parts;
  for (int64_t id : config.eos_token_ids) parts.push_back(name(id) + " (config.json)");
  if (tok.eos_id) parts.push_back(name(*tok.eos_id) + " (tokenizer)");
  if (parts.empty()) return "no end-of-sequence token: generation stops at its length limit";
  const size_t stops = model::end_of_sequence_ids(config, tok.eos_id).size();
  return fmt::format("{}; generation stops at {}", fmt::join(parts, ", "), stops == 1 ? "it" : "any of them");
}

void print_model(const std::filesystem::path& dir) {
  if (auto rule = model::read_decoding_rule(dir)) {  // two models, combined while decoding
    fmt::print("decoding rule: logits of base - {} x ReLU(reinforced - base) ({})\n", rule->alpha, dir.string());
    for (const auto& [role, model_dir] : {std::pair{"base", rule->base}, std::pair{"reinforced", rule->reinforced}}) {
      fmt::print("\n{}:\n", role);
      print_model(model_dir);
    }
    return;
  }
  model::ModelConfig c = model::read_model_config(dir);
  io::TensorStore store(dir);
  model::check_tensors(c, store, dir);  // what loading would refuse, info refuses too
  auto tok = tokenizer::load_tokenizer(dir);
  fmt::print("model:        {}\n", dir.string());
  fmt::print("type:         {} ({} parameters)\n", c.model_type, util::human_count(double(c.parameter_count())));
  fmt::print("layers:       {}, hidden {}, mlp {}\n", c.num_hidden_layers, c.hidden_size, c.intermediate_size);
  fmt::print("attention:    {} heads, {} key/value heads, head dim {}{}\n", c.num_attention_heads,
             c.num_key_value_heads, c.head_dim, c.qkv_bias ? ", q/k/v bias" : "");
  fmt::print("rope:         theta {}{}\n", c.rope_theta, c.rope_scaling ? ", scaling " + c.rope_scaling->type : "");
  fmt::print("embeddings:   {}, vocabulary {}\n", c.tie_word_embeddings ? "tied" : "separate", c.vocab_size);
  fmt::print("dtype:        {}\n", c.torch_dtype);
  fmt::print("tensors:      {}\n", store.names().size());
  fmt::print("tokenizer:    {} ({} tokens{})\n", tok->kind(), tok->vocab_size(),
             tok->bos_id ? fmt::format(", bos {}", *tok->bos_id) : "");
  fmt::print("end of text:  {}\n", end_of_text(c, *tok));
}

}  // namespace

void register_info(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  auto* cmd = app.add_subcommand("info", "Describe a model directory, or this machine (--system)");
  cmd->add_option("model", options->model_dir, "Hugging Face model directory");
  cmd->add_flag("--system", options->system, "BLAS, CPU kernels, threads and a measured sgemm rate");
  cmd->callback([options] {
    if (options->model_dir.empty() && !options->system) throw Error("info: give a model directory or --system");
    if (options->system) {
      util::configure_threads(0);
      fmt::print("{}", util::system_report(/*measure=*/true));
    }
    if (!options->model_dir.empty()) print_model(options->model_dir);
  });
}

}  // namespace lethe::cli
