#pragma once
// A quick measurement to log while a model is fine-tuned (TrainerOptions::probe): knowledge QA
// exact match on the first `limit` forget and retain questions and completion familiarity on the
// first `limit` prompts (0: all of them), from whichever of those suite files exist.
#include <cstddef>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace lethe::eval {

// The suite's files are read once, here; the tokenizer must outlive the probe. Throws
// lethe::Error when the folder has none of the three files.
std::function<nlohmann::json(model::CausalLM&)> make_training_probe(const std::filesystem::path& suite_dir,
                                                                   std::size_t limit,
                                                                   const tokenizer::Tokenizer& tokenizer);

}  // namespace lethe::eval
