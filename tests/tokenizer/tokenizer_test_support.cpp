#include "tokenizer/tokenizer_test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

namespace lethe::test {
namespace {

constexpr std::size_t kEnglishBytes = 170'000;
constexpr std::size_t kUnicodeBytes = 30'000;

// A small deterministic generator, so the corpus (and the trained vocabularies) never change.
class Lcg {
 public:
  std::size_t below(std::size_t n) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state_ >> 33) % n;
  }

 private:
  uint64_t state_ = 42;
};

template <std::size_t N>
const char* pick(Lcg& random, const char* const (&words)[N]) {
  return words[random.below(N)];
}

// The gloss of each WordNet noun ("... | a mutual or reciprocal action; ...").
std::string wordnet_glosses(std::size_t limit) {
  std::ifstream in("/usr/share/wordnet/data.noun");
  std::string text, line;
  while (text.size() < limit && std::getline(in, line)) {
    std::size_t bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    text += line.substr(bar + 3);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    text += '\n';
  }
  return text;
}

std::string generated_english(std::size_t limit, Lcg& random) {
  static const char* const kWords[] = {"the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he",
                                       "was", "for", "on", "are", "as", "with", "his", "they", "I", "at", "be",
                                       "this", "have", "from", "or", "one", "had", "by", "word", "but", "not",
                                       "what", "all", "were", "we", "when", "your", "can", "said", "there",
                                       "use", "an", "each", "which", "she", "do", "how", "their", "if", "will",
                                       "up", "other", "about", "out", "many", "then", "them", "these", "so"};
  static const char* const kPunctuation[] = {" ", " ", " ", " ", ", ", ". ", "; ", " (", ") ", "'s ", "'ll "};
  std::string text;
  while (text.size() < limit) {
    text += pick(random, kWords);
    text += pick(random, kPunctuation);
    if (random.below(40) == 0) text += std::to_string(random.below(100000)) + " ";
    if (random.below(25) == 0) text += '\n';
  }
  return text;
}

std::string generated_unicode(std::size_t limit, Lcg& random) {
  static const char* const kPieces[] = {
      "café", "naïve", "résumé", "Ångström", "façade", "über", "Straße", "niño", "élève", "cœur",
      "東京", "日本語", "中文", "测试", "漢字", "ひらがな", "カタカナ", "한국어", "Привет", "мир",
      "Ωμέγα", "λόγος", "עברית", "العربية", "हिन्दी", "ไทย", "😀", "😃", "👍🏽", "👨‍👩‍👧‍👦",
      "🇫🇷", "❤️", "🎉", "∑", "∞", "€", "£", "©", "—", "…",
      "123", "2024", "3.14", "1,000", "\t", "  ", "\n", "\r\n", "x86_64", "don't"};
  std::string text;
  while (text.size() < limit) {
    text += pick(random, kPieces);
    text += random.below(3) == 0 ? "" : " ";
    if (random.below(12) == 0) text += '\n';
  }
  return text;
}

}  // namespace

std::filesystem::path write_training_corpus(const std::filesystem::path& dir) {
  Lcg random;
  std::string corpus = wordnet_glosses(kEnglishBytes);
  if (corpus.size() < kEnglishBytes / 2) corpus = generated_english(kEnglishBytes, random);
  corpus += generated_unicode(kUnicodeBytes, random);
  std::filesystem::path path = dir / "corpus.txt";
  write_text_file(path, corpus);
  return path;
}

// Long runs of one kind of character, where regex backtracking and merge queues work hardest.
std::string long_runs() {
  return std::string(3000, ' ') + "x" + std::string(2000, '\n') + std::string(1500, '7') + std::string(800, '\t') +
         std::string(2500, 'a') + " " + std::string(600, '!') + std::string(1000, ' ');
}

const std::vector<std::string>& varied_texts() {
  static const std::vector<std::string> texts = {
      long_runs(),
      std::string("nul\0byte and \x01\x02 controls", 24),
      "",
      "Hello world",
      "a",
      "!",
      " leading space",
      "trailing space ",
      "  two leading and two trailing  ",
      "   ",
      " ",
      "The quick brown fox jumps over the lazy dog.",
      "I'm sure you'll see they've done it, we'd've said so; it's 'quoted' and he'd go.",
      "DON'T SHOUT: I'M HERE, YOU'LL SEE, IT'S FINE, WE'RE OK",
      "café naïve résumé Ångström façade élève cœur",
      "cafe\u0301 nai\u0308ve e\u0301te\u0301 and été",
      "東京は日本の首都です。中文测试，标点符号！",
      "한국어 텍스트와 ひらがな カタカナ 漢字",
      "emoji 😀😃 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 skin 👍🏽 heart ❤️ party🎉",
      "👨‍👩‍👧‍👦👨‍👩‍👧‍👦",
      "digits 1234567890 and 3.14159, 1,000,000 and 12345678901234567890",
      "①②③ ٣٤٥ ½ Ⅻ ３２１",
      "tabs\tand\t\ttabs\t",
      "new\nline",
      "windows\r\nline\r\n",
      "many\n\n\nnewlines\n\n",
      "mixed \t \n spaces   here \r\n\t end",
      "\n\n",
      "\r\n\r\n  \t",
      "special <|endoftext|> inside",
      "<|endoftext|>",
      "<|endoftext|><|endoftext|>text<|endoftext|>",
      "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>",
      "<|im_start|> system",
      "broken <|endoftext| token and <|im_start",
      "<|begin_of_text|>Hello<|eot_id|>",
      "Symbols: @#$%^&*()_+-=[]{}|;':\",./<>?`~ ©®™ € £ ¥ § ¶ • … — –",
      "Ünïcödé Ωμέγα Привет мир עברית العربية हिन्दी ไทย",
      "mixed123abc 4x4 COVID-19 x86_64 v2.0.1-rc",
      "def f(x):\n    return x**2  # comment\n\n\nclass A:\n\tpass\n",
      "NEL\u0085separated, a\u0085!, nbsp\u00a0here, ideographic\u3000space, en\u2002space",
      "Mongolian\u180evowel and zero\u200bwidth and zwj\u200dalone",
      "combining ◌̰ marks a\u0301\u0302\u0303",
      "ſ and \u212a 'S 'ſ 'Ll",
      "fill the <mask> here and <mask>there and   <mask>   spaced",
      "[RSTRIP]   after and before   [RSTRIP]\n\nx",
      "lethe is here, alethe and lethe_x and lethe! and (lethe)",
      "naïve and naive and NAÏVE",
      "<|im_start|>user",
      "a  b   c    d     e",
      "The Hypertext Transfer Protocol (HTTP) is an application layer protocol in the Internet protocol "
      "suite model for distributed, collaborative, hypermedia information systems. HTTP is the foundation "
      "of data communication for the World Wide Web, where hypertext documents include hyperlinks to "
      "other resources that the user can easily access, for example by a mouse click or by tapping the "
      "screen in a web browser. Development of HTTP was initiated by Tim Berners-Lee at CERN in 1989 and "
      "summarized in a simple document describing the behavior of a client and a server using the first "
      "HTTP version, named 0.9. That version was subsequently developed, eventually becoming the public 1.0.",
  };
  return texts;
}

std::string varied_document() {
  std::string document;
  for (const auto& text : varied_texts()) document += text + "\n";
  const char* scripts[] = {"\u00c7a co\u00fbte {} \u20ac, n'est-ce pas ?", "\u65e5\u672c\u8a9e\u306e\u6587{}\u3002",
                           "\u041f\u0440\u0438\u0432\u0435\u0442, {} \u0440\u0430\u0437!", "\u0645\u0631\u062d\u0628\u0627 {}",
                           "emoji {} \U0001F389\U0001F44D\U0001F3FD", "\u0391\u0392\u0393 {} \u03b1\u03b2\u03b3"};
  for (int i = 0; i < 40; ++i) {
    document += fmt::format("Line {}: the old ferry paid ${}.{:02d} on 2024-{:02d}-{:02d}, and {}% more in {}.\n", i,
                            i * 37 % 1000, i % 100, i % 12 + 1, i % 28 + 1, i * 3, 1900 + i * 7);
    document += fmt::format("    if (x[{}] >= {}) {{ return y_{}; }}  // see #{}\n", i, i * 3, i, i * 11);
    document += fmt::format(fmt::runtime(scripts[i % 6]), i) + "\n";
    document += i % 2 == 0 ? fmt::format("<s>[INST] What is {} + {}? [/INST] It is {}.</s>\n", i, i, 2 * i)
                           : fmt::format("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi {}<|eot_id|>\n", i);
    document += fmt::format("\t{}\t  spaced   out  \u00a0 {}   \n", i, i * i);
    document += fmt::format("I'VE {} THINGS, you'll SEE they're {}'s.\n", i, i % 3 == 0 ? "Zo\u00eb" : "Ann");
  }
  return document;
}

std::filesystem::path write_texts_json(const std::filesystem::path& dir, const std::vector<std::string>& texts) {
  std::filesystem::path path = dir / "texts.json";
  write_text_file(path, nlohmann::json(texts).dump());
  return path;
}

void write_text_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

namespace {

// Length of the valid UTF-8 character at text[i], or 0; also how many bytes of an invalid one form
// its longest prefix that could have been valid ("maximal subpart", at least 1).
std::size_t character_length(std::string_view text, std::size_t i, std::size_t& maximal_subpart) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  maximal_subpart = 1;
  if (lead < 0x80) return 1;
  std::size_t length = (lead >= 0xC2 && lead <= 0xDF) ? 2 : (lead >= 0xE0 && lead <= 0xEF) ? 3
                       : (lead >= 0xF0 && lead <= 0xF4) ? 4 : 0;
  if (length == 0) return 0;
  // The second byte's range depends on the lead (this excludes overlongs, surrogates, > U+10FFFF).
  unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) return 0;
    unsigned char b = byte(i + k);
    if (k == 1 ? (b < low || b > high) : (b & 0xC0) != 0x80) return 0;
    maximal_subpart = k + 1;
  }
  return length;
}

}  // namespace

nlohmann::json small_bpe_json() {
  using nlohmann::json;
  const auto added = [](int id, const char* content) {
    return json{{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
                {"normalized", false}, {"special", true}};
  };
  const auto special = [](const char* name) { return json{{"SpecialToken", {{"id", name}, {"type_id", 0}}}}; };
  json single = json::array({special("<bos>"), {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}, special("<eos>")});
  return {
      {"version", "1.0"},
      {"added_tokens", json::array({added(8, "<bos>"), added(9, "<eos>")})},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", single},
        {"special_tokens",
         {{"<bos>", {{"id", "<bos>"}, {"ids", json::array({8})}, {"tokens", json::array({"<bos>"})}}},
          {"<eos>", {{"id", "<eos>"}, {"ids", json::array({9})}, {"tokens", json::array({"<eos>"})}}}}}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model",
       {{"type", "BPE"},
        {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"\u0120", 3}, {"ab", 4}, {"bc", 5}, {"abc", 6}, {"\u0120a", 7}}},
        {"merges", {"\u0120 a", "b c", "a b", "a bc"}}}},
  };
}

bool is_valid_utf8(std::string_view text) {
  std::size_t subpart;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = character_length(text, i, subpart);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string lossy_utf8(std::string_view text) {
  std::string out;
  std::size_t subpart;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = character_length(text, i, subpart);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      i += subpart;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace lethe::test
