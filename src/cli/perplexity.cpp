// lethe perplexity MODEL FILE: sliding-window perplexity of a text file.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/number_checks.h"
#include "cli/runtime.h"
#include "eval/perplexity.h"
#include "io/file.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"
#include "util/progress.h"

namespace lethe::cli {
namespace {

struct PerplexityCliOptions {
  std::string model_dir;
  std::string file;
  eval::PerplexityOptions window;
  bool stride_given = false;  // an explicit --stride above --context is an error; the default is cut
  RuntimeOptions runtime;
};

void run_perplexity(PerplexityCliOptions o) {
  if (o.stride_given && o.window.stride > o.window.context)
    throw Error(fmt::format("--stride {} is more than --context {}: tokens between windows would go unscored",
                            o.window.stride, o.window.context));
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  auto tok = tokenizer::load_tokenizer(o.model_dir);
  auto model = model::load_causal_lm(o.model_dir, device, o.runtime.resolve_dtype(device));
  auto ids = tok->encode(io::read_file(o.file), /*add_special=*/true);
  if (ids.size() < 2) throw Error(fmt::format("{}: no text to score", o.file));
  o.window.context = std::min(o.window.context, model->config().max_position_embeddings);
  o.window.stride = std::min(o.window.stride, o.window.context);
  util::Progress progress("perplexity", static_cast<int64_t>(ids.size()) - 1, "tok");
  auto result = eval::perplexity(model, ids, o.window, [&](int64_t n) { progress.advance(n); });
  progress.finish();
  fmt::print("perplexity: {:.4f} ({} tokens scored, mean NLL {:.4f} nats)\n", result.perplexity(),
             result.scored_tokens, result.negative_log_likelihood / std::max<int64_t>(1, result.scored_tokens));
}

}  // namespace

void register_perplexity(CLI::App& app) {
  auto o = std::make_shared<PerplexityCliOptions>();
  auto* cmd = app.add_subcommand("perplexity", "Perplexity of a text file (sliding window)");
  cmd->add_option("model", o->model_dir, "model directory")->required();
  cmd->add_option("file", o->file, "text file")->required();
  cmd->add_option("--context", o->window.context, "window length in tokens (at most the model's context)")
      ->check(follows(util::at_least(2)))->capture_default_str();
  auto* stride = cmd->add_option("--stride", o->window.stride, "tokens the window advances by (at most --context)")
                     ->check(follows(util::at_least(1)))->capture_default_str();
  cmd->add_option("--batch-size", o->window.batch_size, "windows per forward pass")
      ->check(follows(util::at_least(1)))->capture_default_str();
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o, stride] {
    o->stride_given = stride->count() > 0;
    run_perplexity(*o);
  });
}

}  // namespace lethe::cli
