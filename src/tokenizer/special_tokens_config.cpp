#include "tokenizer/special_tokens_config.h"

#include <fmt/format.h>

#include "io/file.h"
#include "tokenizer/json_field.h"

namespace lethe::tokenizer {
namespace {

// A token is written as a string or as {"content": ..., ...} (transformers' AddedToken form).
std::optional<ConfigToken> read_token(const JsonField& config, const char* key) {
  std::optional<JsonField> field = config.find(key);
  if (!field) return std::nullopt;
  JsonField content = field->json().is_object() ? (*field)["content"] : *field;
  return ConfigToken{content.as_string(), fmt::format("{}: {}", field->file(), field->path())};
}

void read_file_into(const std::filesystem::path& path, SpecialTokensConfig& config) {
  nlohmann::json document = io::read_json(path);
  JsonField root(document, path.string());
  root.expect_object();
  if (!config.add_bos_token)
    if (std::optional<JsonField> flag = root.find("add_bos_token")) config.add_bos_token = flag->as_bool();
  if (!config.add_eos_token)
    if (std::optional<JsonField> flag = root.find("add_eos_token")) config.add_eos_token = flag->as_bool();
  if (!config.bos_token) config.bos_token = read_token(root, "bos_token");
  if (!config.eos_token) config.eos_token = read_token(root, "eos_token");
  if (!config.pad_token) config.pad_token = read_token(root, "pad_token");
}

}  // namespace

SpecialTokensConfig read_special_tokens_config(const std::filesystem::path& model_dir) {
  SpecialTokensConfig config;
  // The first file to say something wins.
  for (const char* name : {"tokenizer_config.json", "special_tokens_map.json"})
    if (std::filesystem::exists(model_dir / name)) read_file_into(model_dir / name, config);
  return config;
}

}  // namespace lethe::tokenizer
