#include "tokenizer/byte_level.h"

#include <array>
#include <unordered_map>

#include "tokenizer/utf8.h"

namespace lethe::tokenizer::byte_level {
namespace {

bool stands_for_itself(int byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
}

struct Alphabet {
  std::array<std::string, 256> character_of_byte;
  std::unordered_map<char32_t, char> byte_of_character;

  Alphabet() {
    char32_t next_moved = 0x100;  // the other bytes take U+0100, U+0101, ... in byte order
    for (int byte = 0; byte < 256; ++byte) {
      char32_t code_point = stands_for_itself(byte) ? static_cast<char32_t>(byte) : next_moved++;
      utf8::append(character_of_byte[byte], code_point);
      byte_of_character[code_point] = static_cast<char>(byte);
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet instance;
  return instance;
}

}  // namespace

std::string encode(std::string_view bytes) {
  const Alphabet& table = alphabet();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char byte : bytes) out += table.character_of_byte[static_cast<unsigned char>(byte)];
  return out;
}

std::optional<std::string> decode(std::string_view token) {
  const Alphabet& table = alphabet();
  std::string bytes;
  char32_t code_point;
  for (std::size_t pos = 0; pos < token.size();) {
    std::size_t length = utf8::decode(token, pos, code_point);
    if (length == 0) return std::nullopt;
    auto it = table.byte_of_character.find(code_point);
    if (it == table.byte_of_character.end()) return std::nullopt;
    bytes += it->second;
    pos += length;
  }
  return bytes;
}

}  // namespace lethe::tokenizer::byte_level
