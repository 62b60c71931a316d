#include "tokenizer/decoder.h"

#include <fmt/format.h>

#include <cctype>

#include "tokenizer/byte_level.h"
#include "tokenizer/pattern_field.h"
#include "tokenizer/utf8.h"

namespace lethe::tokenizer {
namespace {

// The byte of a "<0xXX>" token.
std::optional<unsigned char> byte_token(const std::string& token) {
  const auto hex = [&](std::size_t i) { return std::isxdigit(static_cast<unsigned char>(token[i])) != 0; };
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>' || !hex(3) || !hex(4))
    return std::nullopt;
  return static_cast<unsigned char>(std::stoul(token.substr(3, 2), nullptr, 16));
}

// The token's characters (UTF-8 sequences).
std::vector<std::string> characters(const std::string& token) {
  std::vector<std::string> out;
  char32_t code_point;
  for (std::size_t pos = 0; pos < token.size();) {
    std::size_t length = std::max<std::size_t>(1, utf8::decode(token, pos, code_point));
    out.push_back(token.substr(pos, length));
    pos += length;
  }
  return out;
}

std::string one_character(const JsonField& field) {
  std::string text = field.as_string();
  if (characters(text).size() != 1) field.fail("expected one character");
  return text;
}

}  // namespace

Decoder Decoder::from_json(const std::optional<JsonField>& field) {
  Decoder decoder;
  if (field) decoder.add(*field);
  else decoder.join_with_spaces_ = true;
  return decoder;
}

void Decoder::add(const JsonField& field) {
  const std::string type = field.type_name();
  if (type == "Sequence") {
    JsonField decoders = field["decoders"];
    for (std::size_t i = 0; i < decoders.size(); ++i) add(decoders.at(i));
  } else if (type == "ByteLevel") {
    steps_.push_back(ByteLevel{});
  } else if (type == "Replace") {
    steps_.push_back(Replace{pattern_from_json(field["pattern"]), field["content"].as_string()});
  } else if (type == "ByteFallback") {
    steps_.push_back(ByteFallback{});
  } else if (type == "Fuse") {
    steps_.push_back(Fuse{});
  } else if (type == "Strip") {
    steps_.push_back(Strip{one_character(field["content"]), static_cast<std::size_t>(field["start"].as_id()),
                           static_cast<std::size_t>(field["stop"].as_id())});
  } else if (type == "Metaspace") {
    bool prepends = field.bool_or("add_prefix_space", true);
    if (std::optional<JsonField> scheme = field.find("prepend_scheme")) prepends = scheme->as_string() != "never";
    steps_.push_back(Metaspace{one_character(field["replacement"]), prepends});
  } else {
    field.fail(fmt::format("unsupported decoder type \"{}\"", type));
  }
}

std::string Decoder::decode(std::vector<std::string> tokens) const {
  std::string text;
  if (join_with_spaces_) {
    for (std::size_t i = 0; i < tokens.size(); ++i) text += (i > 0 ? " " : "") + tokens[i];
    return text;
  }
  for (const Step& step : steps_) tokens = std::visit([&](const auto& s) { return apply(s, std::move(tokens)); }, step);
  for (const std::string& token : tokens) text += token;
  return text;
}

std::vector<std::string> Decoder::apply(const ByteLevel&, std::vector<std::string> tokens) {
  std::string bytes;
  for (const std::string& token : tokens) {
    // Tokens outside the alphabet (added ones) stay as they are, as in Hugging Face.
    std::optional<std::string> decoded = byte_level::decode(token);
    bytes += decoded ? *decoded : token;
  }
  return {bytes};
}

std::vector<std::string> Decoder::apply(const Replace& replace, std::vector<std::string> tokens) {
  for (std::string& token : tokens) token = replace_all(replace.pattern, token, replace.content);
  return tokens;
}

std::vector<std::string> Decoder::apply(const ByteFallback&, std::vector<std::string> tokens) {
  std::vector<std::string> out;
  std::string bytes;  // a run of <0xXX> tokens
  auto flush = [&] {
    if (bytes.empty()) return;
    if (utf8::find_invalid(bytes) == std::string::npos) out.push_back(bytes);
    else out.insert(out.end(), bytes.size(), "\xef\xbf\xbd");  // U+FFFD for each byte, as Hugging Face
    bytes.clear();
  };
  for (std::string& token : tokens) {
    if (std::optional<unsigned char> byte = byte_token(token)) {
      bytes.push_back(static_cast<char>(*byte));
      continue;
    }
    flush();
    out.push_back(std::move(token));
  }
  flush();
  return out;
}

std::vector<std::string> Decoder::apply(const Fuse&, std::vector<std::string> tokens) {
  std::string joined;
  for (const std::string& token : tokens) joined += token;
  return {joined};
}

std::vector<std::string> Decoder::apply(const Strip& strip, std::vector<std::string> tokens) {
  for (std::string& token : tokens) {
    std::vector<std::string> chars = characters(token);
    std::size_t begin = 0, end = chars.size();
    while (begin < strip.start && begin < end && chars[begin] == strip.content) ++begin;
    while (chars.size() - end < strip.stop && end > begin && chars[end - 1] == strip.content) --end;
    std::string kept;
    for (std::size_t i = begin; i < end; ++i) kept += chars[i];
    token = kept;
  }
  return tokens;
}

std::vector<std::string> Decoder::apply(const Metaspace& metaspace, std::vector<std::string> tokens) {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string text;
    for (const std::string& c : characters(tokens[i])) {
      if (c != metaspace.replacement) text += c;
      else if (!(i == 0 && metaspace.strip_first)) text += ' ';  // Hugging Face drops them all in the first token
    }
    tokens[i] = text;
  }
  return tokens;
}

}  // namespace lethe::tokenizer
