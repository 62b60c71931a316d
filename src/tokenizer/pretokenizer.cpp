#include "tokenizer/pretokenizer.h"

#include <fmt/format.h>

#include <type_traits>

#include "tokenizer/byte_level.h"
#include "tokenizer/pattern_field.h"

namespace lethe::tokenizer {
namespace {

// The pre-tokenization regex of GPT-2, which ByteLevel applies when use_regex is true.
const Regex& gpt2_regex() {
  static const Regex regex(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)");
  return regex;
}

// A space, searched for by Metaspace in every piece: compiled once.
const Regex& space_pattern() {
  static const Regex space = Regex::literal(" ");
  return space;
}

// A piece of text and whether a pattern matched it.
struct Span {
  std::size_t begin;
  std::size_t end;
  bool matched;
};

// The matches of pattern in text with the unmatched stretches between them, covering all of text.
std::vector<Span> spans_of(const Regex& pattern, std::string_view text) {
  std::vector<Span> spans;
  std::size_t previous_end = 0;
  for (const Match& match : pattern.find_all(text)) {
    if (match.begin > previous_end) spans.push_back({previous_end, match.begin, false});
    spans.push_back({match.begin, match.end, true});
    previous_end = match.end;
  }
  if (previous_end < text.size()) spans.push_back({previous_end, text.size(), false});
  return spans;
}

}  // namespace

PreTokenizer PreTokenizer::from_json(const std::optional<JsonField>& field) {
  PreTokenizer pre_tokenizer;
  if (field) pre_tokenizer.add_steps(*field);
  return pre_tokenizer;
}

void PreTokenizer::add_steps(const JsonField& field) {
  std::string type = field.type_name();
  if (type == "Sequence") {
    JsonField steps = field["pretokenizers"];
    for (std::size_t i = 0; i < steps.size(); ++i) add_steps(steps.at(i));
  } else if (type == "ByteLevel") {
    steps_.push_back(ByteLevel{field.bool_or("add_prefix_space", true), field.bool_or("use_regex", true)});
  } else if (type == "Split") {
    if (field.bool_or("invert", false)) field["invert"].fail("true is not supported");
    JsonField behavior = field["behavior"];
    std::string name = behavior.as_string();
    if (name != "Isolated" && name != "Contiguous") behavior.fail(fmt::format("unsupported behavior \"{}\"", name));
    steps_.push_back(Split{pattern_from_json(field["pattern"]),
                           name == "Isolated" ? Behavior::kIsolated : Behavior::kContiguous});
  } else if (type == "Metaspace") {
    steps_.push_back(read_metaspace(field));
  } else if (type == "Digits") {
    // Numeric characters one by one, or runs of them, each as a piece of its own: every Unicode
    // numeric character (\p{N}, Rust's char::is_numeric), as Hugging Face, not only ASCII digits.
    bool individual = field.bool_or("individual_digits", false);
    steps_.push_back(Split{Regex("\\p{N}"), individual ? Behavior::kIsolated : Behavior::kContiguous});
  } else {
    field.fail(fmt::format("unsupported pre_tokenizer type \"{}\"", type));
  }
}

PreTokenizer::Metaspace PreTokenizer::read_metaspace(const JsonField& field) {
  Metaspace metaspace{field["replacement"].as_string(), Metaspace::Prepend::kAlways, field.bool_or("split", true)};
  if (std::optional<JsonField> scheme = field.find("prepend_scheme")) {
    const std::string name = scheme->as_string();
    if (name == "first") metaspace.prepend = Metaspace::Prepend::kFirst;
    else if (name == "never") metaspace.prepend = Metaspace::Prepend::kNever;
    else if (name != "always") scheme->fail(fmt::format("unknown prepend_scheme \"{}\" (always, first, never)", name));
  } else if (!field.bool_or("add_prefix_space", true)) {  // the older form of the setting
    metaspace.prepend = Metaspace::Prepend::kNever;
  }
  if (metaspace.replacement.empty()) field["replacement"].fail("is empty");
  return metaspace;
}

void PreTokenizer::apply(const Metaspace& metaspace, std::string_view piece, bool at_text_start,
                         std::vector<std::string>& out) {
  std::string text = replace_all(space_pattern(), piece, metaspace.replacement);
  const bool prepend = metaspace.prepend == Metaspace::Prepend::kAlways ||
                       (metaspace.prepend == Metaspace::Prepend::kFirst && at_text_start);
  if (prepend && text.rfind(metaspace.replacement, 0) != 0) text = metaspace.replacement + text;
  if (!metaspace.split) {
    out.push_back(text);
    return;
  }
  // Hugging Face's MergedWithNext: every replacement starts a new piece.
  std::size_t begin = 0;
  for (std::size_t at = text.find(metaspace.replacement, 1); at != std::string::npos;
       at = text.find(metaspace.replacement, at + metaspace.replacement.size())) {
    out.push_back(text.substr(begin, at - begin));
    begin = at;
  }
  out.push_back(text.substr(begin));
}

void PreTokenizer::apply(const Split& split, std::string_view piece, std::vector<std::string>& out) {
  bool previous_matched = false;
  for (const Span& span : spans_of(split.pattern, piece)) {
    std::string_view text = piece.substr(span.begin, span.end - span.begin);
    if (split.behavior == Behavior::kContiguous && span.matched && previous_matched)
      out.back() += text;  // adjacent matches form one piece
    else
      out.emplace_back(text);
    previous_matched = span.matched;
  }
}

void PreTokenizer::apply(const ByteLevel& byte_level, std::string_view piece, std::vector<std::string>& out) {
  // Hugging Face adds the prefix space to every piece it is given, not only to the text's start.
  std::string text = byte_level.add_prefix_space && piece.front() != ' ' ? " " + std::string(piece) : std::string(piece);
  if (!byte_level.use_regex) {
    out.push_back(byte_level::encode(text));
    return;
  }
  for (const Span& span : spans_of(gpt2_regex(), text))
    out.push_back(byte_level::encode(std::string_view(text).substr(span.begin, span.end - span.begin)));
}

std::vector<std::string> PreTokenizer::split(std::string_view text, bool at_text_start) const {
  std::vector<std::string> pieces;
  if (!text.empty()) pieces.emplace_back(text);
  for (const Step& step : steps_) {
    std::vector<std::string> next;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      std::visit([&](const auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Metaspace>)
          apply(s, pieces[i], at_text_start && i == 0, next);  // only the first piece starts the text
        else
          apply(s, pieces[i], next);
      }, step);
    }
    pieces = std::move(next);
  }
  return pieces;
}

}  // namespace lethe::tokenizer
