#pragma once
// The Unicode services Hugging Face's tokenizers rely on, through ICU: NFC normalisation and the
// character classes its added-token matching uses (Rust regex \s and \w).
#include <string>
#include <string_view>

namespace lethe::tokenizer::unicode {

// NFC form of valid UTF-8 text.
std::string nfc(std::string_view text);

// Unicode White_Space (what \s means in Rust's regex crate).
bool is_white_space(char32_t code_point);

// Rust regex \w: Alphabetic, marks, decimal digits, connector punctuation, join controls.
bool is_word_character(char32_t code_point);

}  // namespace lethe::tokenizer::unicode
