#pragma once
// What the tokenizer tests share: a training corpus, the varied texts every tokenizer is checked
// on, and small file helpers.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::test {

// Writes ~200 KB of training text (WordNet glosses when installed, else generated English-like
// text, plus generated lines of accents, CJK, emoji, digits and odd white space); returns its path.
std::filesystem::path write_training_corpus(const std::filesystem::path& dir);

// Texts with everything a tokenizer gets wrong first: Unicode, accents (composed and not), CJK,
// emoji with ZWJ sequences, digit runs, white space runs, tabs, \r\n, special tokens in the text,
// contractions, the empty string.
const std::vector<std::string>& varied_texts();

// One document of more than 300 lines: the varied texts, then generated lines of prose with
// numbers and dates, code, six scripts, emoji, odd white space, shouting contractions, and chat
// markup with the special-token strings of Llama 2/Mistral (<s>, </s>) and Llama 3
// (<|begin_of_text|>, <|start_header_id|>, <|eot_id|>).
std::string varied_document();

// Writes texts as a JSON array of strings; returns its path.
std::filesystem::path write_texts_json(const std::filesystem::path& dir, const std::vector<std::string>& texts);

void write_text_file(const std::filesystem::path& path, std::string_view bytes);

// A tiny valid byte-level BPE tokenizer.json for hand-checked cases. Vocabulary: a b c Ġ (space)
// ab bc abc Ġa, then added <bos> (8) and <eos> (9); merges "Ġ a", "b c", "a b", "a bc", so "abc"
// merges b+c first; the template puts <bos> before and <eos> after.
nlohmann::json small_bpe_json();

// Strict UTF-8 check written independently of lethe's (no overlongs, surrogates, > U+10FFFF).
bool is_valid_utf8(std::string_view text);

// text with each maximal invalid sequence replaced by U+FFFD, as Rust's String::from_utf8_lossy
// (and so Hugging Face's decode) does.
std::string lossy_utf8(std::string_view text);

}  // namespace lethe::test
