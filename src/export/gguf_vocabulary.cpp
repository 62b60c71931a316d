#include "export/gguf_vocabulary.h"

#include <fmt/format.h>

#include <map>

#include "io/file.h"
#include "tokenizer/sentencepiece_tokenizer.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace lethe::exporting {
namespace {

namespace fs = std::filesystem;
using io::GgufValueType;

// llama.cpp's token types (llama_token_type).
enum TokenType : int32_t { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

// The regular expressions of the Split pre-tokenizers llama.cpp knows by name.
const char* const kLlama3Pattern =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
const char* const kQwen2Pattern =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

bool is_byte_level(const nlohmann::json& step, bool use_regex) {
  return step.value("type", "") == "ByteLevel" && step.value("use_regex", true) == use_regex &&
         !step.value("add_prefix_space", false);
}

// The ids encode() puts around a text, found by asking it, so that every way a tokenizer can say
// so (tokenizer_config.json, the post-processor) counts.
void add_special_token_flags(io::GgufWriter& gguf, const tokenizer::Tokenizer& tok) {
  const auto plain = tok.encode("a", false), framed = tok.encode("a", true);
  const bool adds_bos = tok.bos_id && framed.size() > plain.size() && framed.front() == *tok.bos_id;
  const bool adds_eos = tok.eos_id && framed.size() > plain.size() && framed.back() == *tok.eos_id;
  gguf.add("tokenizer.ggml.add_bos_token", GgufValueType::kBool, adds_bos);
  gguf.add("tokenizer.ggml.add_eos_token", GgufValueType::kBool, adds_eos);
  if (tok.bos_id) gguf.add("tokenizer.ggml.bos_token_id", GgufValueType::kUint32, *tok.bos_id);
  if (tok.eos_id) gguf.add("tokenizer.ggml.eos_token_id", GgufValueType::kUint32, *tok.eos_id);
  if (tok.pad_id) gguf.add("tokenizer.ggml.padding_token_id", GgufValueType::kUint32, *tok.pad_id);
}

void add_tokens(io::GgufWriter& gguf, nlohmann::json tokens, nlohmann::json types, int64_t rows) {
  for (int64_t id = static_cast<int64_t>(tokens.size()); id < rows; ++id) {  // embedding rows past the vocabulary
    tokens.push_back(fmt::format("[PAD{}]", id));
    types.push_back(kUnused);
  }
  gguf.add_array("tokenizer.ggml.tokens", GgufValueType::kString, std::move(tokens));
  gguf.add_array("tokenizer.ggml.token_type", GgufValueType::kInt32, std::move(types));
}

void check_rows(const tokenizer::Tokenizer& tok, int64_t rows, const fs::path& model_dir) {
  if (tok.vocab_size() > rows)
    throw Error(fmt::format("{}: the tokenizer has {} tokens, more than the {} rows of the embedding (config.json "
                            "vocab_size)", model_dir.string(), tok.vocab_size(), rows));
}

// Texts that a tokenizer without normalisation and without unknown pieces gives back unchanged.
const char* const kNormalisationProbes[] = {"a  b", "x\ty", "\xef\xac\x81", "\xef\xbc\xa1", " lead", "caf\xc3\xa9"};

std::vector<std::string> add_sentencepiece(io::GgufWriter& gguf, const tokenizer::SentencePieceTokenizer& tok,
                                           int64_t rows) {
  using Piece = tokenizer::SentencePieceTokenizer::PieceType;
  nlohmann::json tokens = nlohmann::json::array(), scores = nlohmann::json::array(), types = nlohmann::json::array();
  std::optional<int32_t> unknown;
  for (int32_t id = 0; id < tok.vocab_size(); ++id) {
    tokens.push_back(tok.id_to_token(id));
    scores.push_back(tok.score(id));
    switch (tok.piece_type(id)) {
      case Piece::kNormal: types.push_back(kNormal); break;
      case Piece::kUnknown: types.push_back(kUnknown); unknown = id; break;
      case Piece::kControl: types.push_back(kControl); break;
      case Piece::kByte: types.push_back(kByte); break;
      case Piece::kUnused: types.push_back(kUnused); break;
    }
  }
  for (int64_t id = tok.vocab_size(); id < rows; ++id) scores.push_back(-1000.0);
  gguf.add("tokenizer.ggml.model", GgufValueType::kString, "llama");
  add_tokens(gguf, std::move(tokens), std::move(types), rows);
  gguf.add_array("tokenizer.ggml.scores", GgufValueType::kFloat32, std::move(scores));
  if (unknown) gguf.add("tokenizer.ggml.unknown_token_id", GgufValueType::kUint32, *unknown);
  const auto first = tok.encode("x", false);
  const bool space_prefix = !first.empty() && tok.id_to_token(first.front()).rfind("\xe2\x96\x81", 0) == 0;  // "▁"
  gguf.add("tokenizer.ggml.add_space_prefix", GgufValueType::kBool, space_prefix);

  std::vector<std::string> changed;
  for (const char* probe : kNormalisationProbes)
    if (tok.decode(tok.encode(probe, false), false) != probe) changed.push_back(nlohmann::json(probe).dump());
  if (changed.empty()) return {};
  return {fmt::format("this SentencePiece model changes text before splitting it (normalisation or unknown pieces: {} "
                      "do not come back as written), and llama.cpp does not: texts holding such characters get "
                      "other tokens in llama.cpp than in lethe", fmt::join(changed, ", "))};
}

nlohmann::json merge_strings(const nlohmann::json& merges) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& merge : merges)  // "a b", or ["a", "b"] in newer files
    out.push_back(merge.is_array() ? merge.at(0).get<std::string>() + " " + merge.at(1).get<std::string>()
                                   : merge.get<std::string>());
  return out;
}

std::vector<std::string> add_byte_level_bpe(io::GgufWriter& gguf, const tokenizer::Tokenizer& tok,
                                            const fs::path& model_dir, int64_t rows) {
  const fs::path file = model_dir / "tokenizer.json";
  const nlohmann::json root = io::read_json(file);
  if (root.at("model").value("byte_fallback", false))
    throw Error(fmt::format("{}: a SentencePiece vocabulary written as tokenizer.json; the GGUF export reads such "
                            "vocabularies (with their scores) from tokenizer.model, which is missing", file.string()));
  std::map<int64_t, bool> added_special;
  for (const auto& added : root.value("added_tokens", nlohmann::json::array()))
    added_special[added.at("id").get<int64_t>()] = added.value("special", false);
  nlohmann::json tokens = nlohmann::json::array(), types = nlohmann::json::array();
  for (int32_t id = 0; id < tok.vocab_size(); ++id) {
    tokens.push_back(tok.id_to_token(id));
    auto added = added_special.find(id);
    types.push_back(added == added_special.end() ? kNormal : added->second ? kControl : kUserDefined);
  }
  gguf.add("tokenizer.ggml.model", GgufValueType::kString, "gpt2");
  gguf.add("tokenizer.ggml.pre", GgufValueType::kString,
           llama_cpp_pre_tokenizer(root.value("pre_tokenizer", nlohmann::json()), file.string()));
  add_tokens(gguf, std::move(tokens), std::move(types), rows);
  gguf.add_array("tokenizer.ggml.merges", GgufValueType::kString, merge_strings(root.at("model").at("merges")));
  const nlohmann::json normalizer = root.value("normalizer", nlohmann::json());
  if (normalizer.is_null()) return {};
  return {fmt::format("{} normalises text ({}) and llama.cpp does not: texts it changes get other tokens in "
                      "llama.cpp than in lethe", file.string(), normalizer.value("type", "?"))};
}

}  // namespace

std::string llama_cpp_pre_tokenizer(const nlohmann::json& pre, const std::string& origin) {
  if (pre.is_object() && is_byte_level(pre, true)) return "gpt-2";
  const nlohmann::json steps = pre.is_object() ? pre.value("pretokenizers", nlohmann::json()) : nlohmann::json();
  if (steps.is_array() && steps.size() == 2) {
    const auto& split = steps[0];
    if (split.value("type", "") == "Split" && split.value("behavior", "") == "Isolated" &&
        !split.value("invert", false) && is_byte_level(steps[1], false)) {
      const std::string pattern = split.value("pattern", nlohmann::json::object()).value("Regex", "");
      if (pattern == kLlama3Pattern) return "llama-bpe";
      if (pattern == kQwen2Pattern) return "qwen2";
    }
    if (steps[0].value("type", "") == "Digits" && steps[0].value("individual_digits", false) &&
        is_byte_level(steps[1], true))
      return "smollm";
  }
  throw Error(fmt::format("{}: its pre_tokenizer is none that llama.cpp knows by name (Llama 3's, Qwen2's, GPT-2's "
                          "or SmolLM's), so llama.cpp would split text otherwise: {}",
                          origin, pre.dump()));
}

std::vector<std::string> add_gguf_vocabulary(io::GgufWriter& gguf, const fs::path& model_dir, int64_t embedding_rows) {
  const auto tok = tokenizer::load_tokenizer(model_dir);
  check_rows(*tok, embedding_rows, model_dir);
  const auto* sentencepiece = dynamic_cast<const tokenizer::SentencePieceTokenizer*>(tok.get());
  auto warnings = sentencepiece != nullptr ? add_sentencepiece(gguf, *sentencepiece, embedding_rows)
                                           : add_byte_level_bpe(gguf, *tok, model_dir, embedding_rows);
  add_special_token_flags(gguf, *tok);
  return warnings;
}

}  // namespace lethe::exporting
