#pragma once
// The Trainer's options as command-line flags, shared by pretrain, reinforce and unlearn.
#include <CLI/CLI.hpp>

#include "train/trainer.h"

namespace lethe::cli {

// Every TrainerOptions field but the run directory; --steps only when with_steps (reinforce
// counts epochs instead).
void add_trainer_options(CLI::App* command, train::TrainerOptions& options, bool with_steps = true);

// Ctrl-C ends a training command with exit code 130 after its checkpoint: the same command resumes.
[[noreturn]] void exit_interrupted(const train::TrainerOptions& options);

}  // namespace lethe::cli
