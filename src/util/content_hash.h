#pragma once
// Content hashes that tell whether a stage's inputs changed: 64-bit FNV-1a over file bytes, as 16
// hex digits. Not cryptographic; it guards against reusing outputs made from other inputs.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::util {

std::string hash_bytes(std::string_view bytes);
// The files' contents in order (names not included). Throws lethe::Error naming an unreadable file.
std::string hash_files(const std::vector<std::filesystem::path>& files);
// A model directory: config.json and every *.safetensors file, in name order.
std::string hash_model_dir(const std::filesystem::path& dir);

}  // namespace lethe::util
