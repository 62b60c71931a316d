#pragma once
// What tokenizer_config.json (and, for the tokens it does not name, special_tokens_map.json) of a
// model directory says about special tokens: which are BOS / EOS / PAD and whether encode adds
// BOS / EOS. Everything is optional; absent files say nothing.
#include <filesystem>
#include <optional>
#include <string>

namespace lethe::tokenizer {

// A token named by a config file, with the file, for error messages.
struct ConfigToken {
  std::string content;
  std::string source;  // "PATH: bos_token"
};

struct SpecialTokensConfig {
  std::optional<bool> add_bos_token;
  std::optional<bool> add_eos_token;
  std::optional<ConfigToken> bos_token;
  std::optional<ConfigToken> eos_token;
  std::optional<ConfigToken> pad_token;
};

SpecialTokensConfig read_special_tokens_config(const std::filesystem::path& model_dir);

}  // namespace lethe::tokenizer
