#pragma once
// GPT-2's byte-level alphabet: every byte gets a printable character (printable Latin-1 bytes stand
// for themselves, the rest are moved to U+0100 and up, e.g. space -> 'Ġ'), so any byte string can
// be written as a string of vocabulary characters and back.
#include <optional>
#include <string>
#include <string_view>

namespace lethe::tokenizer::byte_level {

// Each byte of bytes replaced by its alphabet character (UTF-8 encoded).
std::string encode(std::string_view bytes);

// The bytes a token stands for if every character of it is in the alphabet; nullopt otherwise
// (Hugging Face's ByteLevel decoder then keeps such a token's text as it is).
std::optional<std::string> decode(std::string_view token);

}  // namespace lethe::tokenizer::byte_level
