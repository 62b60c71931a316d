#include "tokenizer/bpe_tokenizer.h"

#include <fmt/format.h>

#include "io/file.h"
#include "tokenizer/utf8.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

const JsonField& checked_root(const JsonField& root) {
  root.expect_object();
  return root;
}

}  // namespace

std::unique_ptr<BpeTokenizer> BpeTokenizer::load(const std::filesystem::path& tokenizer_json,
                                                 const SpecialTokensConfig& config) {
  nlohmann::json document = io::read_json(tokenizer_json);
  JsonField root(document, tokenizer_json.string());
  std::unique_ptr<BpeTokenizer> tokenizer(new BpeTokenizer(checked_root(root), config));
  return tokenizer;
}

BpeTokenizer::BpeTokenizer(const JsonField& root, const SpecialTokensConfig& config)
    : normalizer_(Normalizer::from_json(root.find("normalizer"))),
      pre_tokenizer_(PreTokenizer::from_json(root.find("pre_tokenizer"))),
      decoder_(Decoder::from_json(root.find("decoder"))),
      model_(root["model"]),
      added_(root.find("added_tokens"), model_, normalizer_),
      frame_(read_post_processor(root.find("post_processor"), added_.total_size())),
      path_(root.file()) {
  apply_config(config);
}

void BpeTokenizer::apply_config(const SpecialTokensConfig& config) {
  const auto resolve = [&](const ConfigToken& token) {
    std::optional<int32_t> id = token_to_id(token.content);
    if (!id) throw Error(fmt::format("{}: \"{}\" is not a token of {}", token.source, token.content, path_));
    return *id;
  };
  const auto first = [](const std::vector<int32_t>& ids) {
    return ids.empty() ? std::nullopt : std::optional<int32_t>(ids.front());
  };
  bos_id = config.bos_token ? resolve(*config.bos_token) : first(frame_.before);
  eos_id = config.eos_token ? resolve(*config.eos_token) : first(frame_.after);
  if (config.pad_token) pad_id = resolve(*config.pad_token);

  // add_bos_token / add_eos_token, where given, decide instead of the post-processor's template.
  const auto decide = [&](std::optional<bool> add, const std::optional<int32_t>& id, const char* name,
                          std::vector<int32_t>& side) {
    if (!add) return;
    if (*add && !id) throw Error(fmt::format("{}: {} is true but there is no {} token", path_, name, name));
    side = *add ? std::vector<int32_t>{*id} : std::vector<int32_t>{};
  };
  decide(config.add_bos_token, bos_id, "add_bos_token", frame_.before);
  decide(config.add_eos_token, eos_id, "add_eos_token", frame_.after);
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool add_special) const {
  if (std::size_t bad = utf8::find_invalid(text); bad != std::string_view::npos)
    throw Error(fmt::format("cannot encode text that is not valid UTF-8 (byte {})", bad));
  std::vector<int32_t> ids;
  if (add_special) ids = frame_.before;
  bool at_text_start = true;
  for (const Segment& segment : added_.split(text, normalizer_, special_tokens_as_text)) {
    if (segment.token_id) {
      ids.push_back(*segment.token_id);
    } else {
      for (const std::string& piece : pre_tokenizer_.split(segment.text, at_text_start)) model_.tokenize(piece, ids);
    }
    at_text_start = false;
  }
  if (add_special) ids.insert(ids.end(), frame_.after.begin(), frame_.after.end());
  return ids;
}

const std::string& BpeTokenizer::token_text(int32_t id) const {
  if (const AddedToken* added = added_.find(id)) return added->vocabulary_form;
  if (id < 0 || id >= model_.size())
    throw Error(fmt::format("{}: token id {} is out of range [0, {})", path_, id, vocab_size()));
  return model_.token(id);
}

std::string BpeTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  std::vector<std::string> tokens;
  for (int32_t id : ids) {
    const AddedToken* added = added_.find(id);
    if (skip_special && added != nullptr && added->special) continue;
    tokens.push_back(token_text(id));
  }
  return decoder_.decode(std::move(tokens));
}

std::string BpeTokenizer::id_to_token(int32_t id) const { return token_text(id); }

std::optional<int32_t> BpeTokenizer::token_to_id(std::string_view token) const {
  std::string key(token);
  if (std::optional<int32_t> id = added_.find(key)) return id;
  return model_.find(key);
}

}  // namespace lethe::tokenizer
