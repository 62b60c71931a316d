#pragma once
#include <CLI/CLI.hpp>

namespace lethe::cli {

// Adds every subcommand to the app. Each command's callback runs the work and throws
// lethe::Error on bad input.
void register_commands(CLI::App& app);

void register_info(CLI::App& app);
void register_tokenize(CLI::App& app);
void register_generate(CLI::App& app);
void register_perplexity(CLI::App& app);
void register_pretrain(CLI::App& app);
void register_world(CLI::App& app);
void register_eval(CLI::App& app);
void register_reinforce(CLI::App& app);
void register_anchors(CLI::App& app);
void register_labels(CLI::App& app);
void register_unlearn(CLI::App& app);
void register_tokenizer(CLI::App& app);
void register_export(CLI::App& app);
void register_suite(CLI::App& app);
void register_plan(CLI::App& app);
void register_compare(CLI::App& app);

}  // namespace lethe::cli
