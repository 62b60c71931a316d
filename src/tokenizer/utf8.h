#pragma once
// UTF-8 decoding and checks. Valid means what Rust's str (and so Hugging Face) accepts: no
// overlong forms, no surrogates, nothing above U+10FFFF.
#include <cstddef>
#include <string>
#include <string_view>

namespace lethe::tokenizer::utf8 {

// Decodes the character at text[pos]; returns its length in bytes, or 0 if the bytes there are not
// a valid UTF-8 character (code_point is then unspecified).
std::size_t decode(std::string_view text, std::size_t pos, char32_t& code_point);

// Byte offset of the first invalid sequence, or std::string_view::npos if text is valid.
std::size_t find_invalid(std::string_view text);

// How many bytes at the end of text start a character whose remaining bytes have not come yet.
std::size_t incomplete_tail_size(std::string_view text);

void append(std::string& out, char32_t code_point);

}  // namespace lethe::tokenizer::utf8
