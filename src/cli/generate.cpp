// lethe generate MODEL --prompt TEXT: text continuation, streamed as it is produced.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/number_checks.h"
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
  bool max_tokens_given = false;  // -n on the command line: more than the context is an error, not cut
  float temperature = 0.0f;
  int64_t top_k = 0;
  float top_p = 1.0f;
  uint64_t seed = 0;
  bool ignore_eos = false;
  std::vector<std::string> stops;
  RuntimeOptions runtime;
};

// One continuation as text, decoded as it grows, and how much of it is on the screen.
struct Continuation {
  tokenizer::StreamDecoder decoder;
  std::string text;
  std::size_t shown = 0;
};

std::size_t first_stop(const std::string& text, const std::vector<std::string>& stops) {
  std::size_t at = std::string::npos;
  for (const auto& stop : stops) at = std::min(at, text.find(stop));
  return at;
}

// The part of the text a reader may see: all of it up to the first stop text. While the text
// still grows, its last bytes that could be the start of a stop text wait.
std::size_t visible_length(const std::string& text, const std::vector<std::string>& stops, bool growing) {
  std::size_t stop = first_stop(text, stops);
  if (stop != std::string::npos) return stop;
  std::size_t held = 0;
  for (const auto& s : stops) held = std::max(held, s.size() - 1);
  return growing ? text.size() - std::min(held, text.size()) : text.size();
}

void print_new_text(Continuation& c, const std::vector<std::string>& stops, bool growing) {
  std::size_t end = std::max(visible_length(c.text, stops, growing), c.shown);
  fmt::print("{}", c.text.substr(c.shown, end - c.shown));
  std::fflush(stdout);
  c.shown = end;
}

void run_generate(const GenerateCliOptions& o) {
  for (const auto& stop : o.stops)
    if (stop.empty()) throw Error("--stop needs a text of at least one character");
  apply_runtime(o.runtime);
  auto device = o.runtime.resolve_device();
  auto tok = tokenizer::load_tokenizer(o.model_dir);
  auto model = model::load_causal_lm(o.model_dir, device, o.runtime.resolve_dtype(device));

  model::GenerateOptions options;
  options.max_new_tokens = o.max_tokens;
  options.sampling = {o.temperature, o.top_k, o.top_p, o.seed};
  if (!o.ignore_eos) options.stop_ids = model::end_of_sequence_ids(model->config(), tok->eos_id);
  std::vector<std::vector<int32_t>> prompt_ids;
  std::vector<Continuation> continuations;
  for (const auto& p : o.prompts) {
    prompt_ids.push_back(tok->encode(p, /*add_special=*/true));
    continuations.push_back({tokenizer::StreamDecoder(*tok, prompt_ids.back()), "", 0});
    // The KV cache holds prompt and continuation: more than the context is refused, not allocated.
    const int64_t context = model->config().max_position_embeddings;
    if (o.max_tokens_given && static_cast<int64_t>(prompt_ids.back().size()) + o.max_tokens > context)
      throw Error(fmt::format("-n {}: a prompt of {} tokens and {} new ones exceed the model's context of {} tokens "
                              "(max_position_embeddings in {}/config.json)",
                              o.max_tokens, prompt_ids.back().size(), o.max_tokens, context, o.model_dir));
  }

  // A single answer is streamed as it is produced; a batch is printed at the end, row by row.
  const bool streaming = prompt_ids.size() == 1;
  if (streaming) fmt::print("{}", o.prompts[0]);
  auto start = std::chrono::steady_clock::now();
  auto outputs = model::generate(model, prompt_ids, options, [&](int64_t row, int32_t id) {
    auto& c = continuations[row];
    c.text += c.decoder.push(id);
    if (streaming) print_new_text(c, o.stops, /*growing=*/true);
    return first_stop(c.text, o.stops) != std::string::npos;
  });
  for (std::size_t i = 0; i < continuations.size(); ++i) {
    auto& c = continuations[i];
    c.text += c.decoder.flush();
    if (!streaming) fmt::print("[{}] {}", i, o.prompts[i]);
    print_new_text(c, o.stops, /*growing=*/false);
    fmt::print("\n");
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
  auto* max_tokens = cmd->add_option("-n,--max-tokens", o->max_tokens, "new tokens at most (within the model's context)")
                         ->check(follows(util::at_least(1)))
                         ->capture_default_str();
  cmd->add_option("-t,--temperature", o->temperature, "0 = greedy")->check(follows(util::at_least(0)))
      ->capture_default_str();
  cmd->add_option("--top-k", o->top_k, "sample from the k most likely tokens (0 = all)")
      ->check(follows(util::at_least(0)))->capture_default_str();
  cmd->add_option("--top-p", o->top_p, "sample from the smallest set with this much mass")
      ->check(follows(util::fraction()))->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed for sampling")->capture_default_str();
  cmd->add_flag("--ignore-eos", o->ignore_eos, "keep going after the end-of-sequence token");
  cmd->add_option("--stop", o->stops, "end a continuation where this text appears, not shown (repeatable; "
                                      "a newline: --stop $'\\n')");
  add_runtime_options(cmd, o->runtime);
  cmd->callback([o, max_tokens] {
    o->max_tokens_given = max_tokens->count() > 0;
    run_generate(*o);
  });
}

}  // namespace lethe::cli
