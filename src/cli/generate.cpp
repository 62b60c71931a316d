// lethe generate MODEL --prompt TEXT: text continuation, streamed as it is produced.
#include <fmt/core.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "model/checkpoint.h"
#include "model/generate.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace lethe::cli {
namespace {

struct GenerateCliOptions {
  std::string model_dir;
  std::vector<std::string> prompts;
  int64_t max_tokens = 128;
  float temperature = 0.0f;
  int64_t top_k = 0;
  float top_p = 1.0f;
  uint64_t seed = 0;
  bool ignore_eos = false;
  RuntimeOptions runtime;
};

void run_generate(const GenerateCliOptions& o) {
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  auto tok = tokenizer::load_tokenizer(o.model_dir);
  auto model = model::load_causal_lm(o.model_dir, device, o.runtime.resolve_dtype(device));

  model::GenerateOptions options;
  options.max_new_tokens = o.max_tokens;
  options.sampling = {o.temperature, o.top_k, o.top_p, o.seed};
  if (!o.ignore_eos) {
    options.stop_ids = model->config().eos_token_ids;
    if (tok->eos_id) options.stop_ids.push_back(*tok->eos_id);
  }
  std::vector<std::vector<int32_t>> prompt_ids;
  for (const auto& p : o.prompts) prompt_ids.push_back(tok->encode(p, /*add_special=*/true));

  auto start = std::chrono::steady_clock::now();
  std::vector<std::vector<int32_t>> outputs;
  if (prompt_ids.size() == 1) {  // stream the single answer as it is produced
    tokenizer::StreamDecoder stream(*tok, prompt_ids[0]);
    fmt::print("{}", o.prompts[0]);
    outputs = model::generate(model, prompt_ids, options, [&](int64_t, int32_t id) {
      fmt::print("{}", stream.push(id));
      std::fflush(stdout);
    });
    fmt::print("{}\n", stream.flush());
  } else {
    outputs = model::generate(model, prompt_ids, options);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      std::vector<int32_t> ids = prompt_ids[i];  // decoded whole, so the continuation keeps its spaces
      ids.insert(ids.end(), outputs[i].begin(), outputs[i].end());
      fmt::print("[{}] {}\n", i, tok->decode(ids, /*skip_special=*/true));
    }
  }
  std::fflush(stdout);  // the text before the statistics on stderr
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int64_t produced = 0;
  for (const auto& out : outputs) produced += static_cast<int64_t>(out.size());
  fmt::print(stderr, "{} tokens in {:.2f} s ({:.1f} tokens/s)\n", produced, seconds, produced / seconds);
}

}  // namespace

void register_generate(CLI::App& app) {
  auto o = std::make_shared<GenerateCliOptions>();
  auto* cmd = app.add_subcommand("generate", "Continue prompts with a model (greedy or sampled)");
  cmd->add_option("model", o->model_dir, "model directory")->required();
  cmd->add_option("-p,--prompt", o->prompts, "prompt text (repeat for a batch)")->required();
  cmd->add_option("-n,--max-tokens", o->max_tokens, "new tokens at most")->capture_default_str();
  cmd->add_option("-t,--temperature", o->temperature, "0 = greedy")->capture_default_str();
  cmd->add_option("--top-k", o->top_k, "sample from the k most likely tokens (0 = all)")->capture_default_str();
  cmd->add_option("--top-p", o->top_p, "sample from the smallest set with this much mass")->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed for sampling")->capture_default_str();
  cmd->add_flag("--ignore-eos", o->ignore_eos, "keep going after the end-of-sequence token");
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o] { run_generate(*o); });
}

}  // namespace lethe::cli
