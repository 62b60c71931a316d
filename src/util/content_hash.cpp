#include "util/content_hash.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <fstream>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace lethe::util {
namespace {

constexpr uint64_t kOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kPrime = 0x100000001b3ULL;

void mix(uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * kPrime;
}

std::string hex(uint64_t h) { return fmt::format("{:016x}", h); }

}  // namespace

std::string hash_bytes(std::string_view bytes) {
  uint64_t h = kOffset;
  mix(h, bytes);
  return hex(h);
}

std::string hash_files(const std::vector<std::filesystem::path>& files) {
  uint64_t h = kOffset;
  std::vector<char> buffer(1 << 20);
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot read it to hash it");
    while (in) {
      in.read(buffer.data(), buffer.size());
      mix(h, std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    }
  }
  return hex(h);
}

std::string hash_model_dir(const std::filesystem::path& dir) {
  const auto rule = dir / "decoding_rule.json";  // a decoding-time rule: its files and both models
  if (std::filesystem::exists(rule)) {
    std::ifstream in(rule);
    const auto named = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    std::string hashes = hash_files({dir / "config.json", rule});
    for (const char* key : {"base", "reinforced"})
      if (named.is_object() && named.contains(key) && named[key].is_string() &&
          !std::filesystem::exists(std::filesystem::path(named[key].get<std::string>()) / "decoding_rule.json"))
        hashes += hash_model_dir(named[key].get<std::string>());  // (a rule naming a rule is refused on loading)
    return hash_bytes(hashes);
  }
  std::vector<std::filesystem::path> files = {dir / "config.json"};
  std::vector<std::filesystem::path> weights;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".safetensors") weights.push_back(entry.path());
  std::sort(weights.begin(), weights.end());
  files.insert(files.end(), weights.begin(), weights.end());
  return hash_files(files);
}

}  // namespace lethe::util
