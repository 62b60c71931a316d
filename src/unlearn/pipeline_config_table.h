#pragma once
// The pipeline's settings from a TOML table already parsed (lethe compare merges a method's file
// with its grid setting): relative paths are taken from `file`'s folder, and errors name `file`
// and the line of the value (0 for a value copied from another table: toml++ copies no source).
#include <filesystem>

#include <toml++/toml.h>

#include "unlearn/pipeline_config.h"

namespace lethe::unlearn {

PipelineConfig read_pipeline_config(const toml::table& table, const std::filesystem::path& file);

}  // namespace lethe::unlearn
