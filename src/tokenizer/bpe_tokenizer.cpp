#include "tokenizer/bpe_tokenizer.h"

#include <fmt/format.h>

#include "io/file.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/utf8.h"
#include "util/error.h"

namespace lethe::tokenizer {
namespace {

// Whether a component (or a Sequence within it) has one of these types.
bool has_type(const nlohmann::json& value, std::initializer_list<const char*> types, int depth = 0) {
  if (depth > 16) return false;
  if (value.is_object()) {
    auto type = value.find("type");
    if (type != value.end() && type->is_string())
      for (const char* name : types)
        if (*type == name) return true;
  }
  if (value.is_object() || value.is_array())
    for (const auto& child : value)
      if (has_type(child, types, depth + 1)) return true;
  return false;
}

// Llama-2-style files describe a SentencePiece model in tokenizer.json terms (a "▁" for spaces,
// byte fallback); lethe runs those through libsentencepiece, from tokenizer.model.
void reject_sentencepiece_style(const JsonField& root) {
  const nlohmann::json& json = root.json();
  bool sentencepiece_style = false;
  if (auto model = json.find("model"); model != json.end() && model->is_object())
    sentencepiece_style = model->value("byte_fallback", nlohmann::json(false)) == true;
  for (const char* component : {"normalizer", "pre_tokenizer", "decoder"})
    if (auto it = json.find(component); it != json.end() && has_type(*it, {"Metaspace", "ByteFallback", "Prepend"}))
      sentencepiece_style = true;
  if (sentencepiece_style)
    root.fail("this is a SentencePiece tokenizer written as tokenizer.json (Metaspace / byte fallback); "
              "lethe reads such tokenizers from tokenizer.model, which is needed next to it");
}

void check_decoder(const JsonField& decoder) {
  std::string type = decoder.type_name();
  if (type == "Sequence") {
    JsonField decoders = decoder["decoders"];
    for (std::size_t i = 0; i < decoders.size(); ++i) check_decoder(decoders.at(i));
  } else if (type != "ByteLevel") {
    decoder.fail(fmt::format("unsupported decoder type \"{}\" (lethe decodes byte-level BPE)", type));
  }
}

const JsonField& checked_root(const JsonField& root) {
  root.expect_object();
  reject_sentencepiece_style(root);
  check_decoder(root["decoder"]);
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
  for (const Segment& segment : added_.split(text, normalizer_)) {
    if (segment.token_id) {
      ids.push_back(*segment.token_id);
      continue;
    }
    for (const std::string& piece : pre_tokenizer_.split(segment.text)) model_.tokenize(piece, ids);
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
  std::string bytes;
  for (int32_t id : ids) {
    const AddedToken* added = added_.find(id);
    if (skip_special && added != nullptr && added->special) continue;
    const std::string& token = token_text(id);
    // As Hugging Face's ByteLevel decoder: tokens outside the alphabet (added ones) stay as they are.
    std::optional<std::string> decoded = byte_level::decode(token);
    bytes += decoded ? *decoded : token;
  }
  return bytes;
}

std::string BpeTokenizer::id_to_token(int32_t id) const { return token_text(id); }

std::optional<int32_t> BpeTokenizer::token_to_id(std::string_view token) const {
  std::string key(token);
  if (std::optional<int32_t> id = added_.find(key)) return id;
  return model_.find(key);
}

}  // namespace lethe::tokenizer
