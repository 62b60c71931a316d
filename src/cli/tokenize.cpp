// lethe tokenize MODEL [--text T | FILE | stdin] [--ids]: the token ids and forms of a text.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "io/file.h"
#include "tokenizer/tokenizer.h"

namespace lethe::cli {
namespace {

struct TokenizeOptions {
  std::string model_dir;
  std::string text;
  std::string file;
  bool ids_only = false;
  bool no_special = false;
  bool special_as_text = false;
};

std::string input_text(const TokenizeOptions& o) {
  if (!o.text.empty()) return o.text;
  if (!o.file.empty()) return io::read_file(o.file);
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

}  // namespace

void register_tokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeOptions>();
  auto* cmd = app.add_subcommand("tokenize", "Show the tokens of a text (from --text, a file, or stdin)");
  cmd->add_option("model", o->model_dir, "model directory (its tokenizer)")->required();
  cmd->add_option("file", o->file, "text file (default: stdin)");
  cmd->add_option("--text", o->text, "text to tokenize");
  cmd->add_flag("--ids", o->ids_only, "print only the ids, space-separated");
  cmd->add_flag("--no-special", o->no_special, "do not add BOS/EOS");
  cmd->add_flag("--special-as-text", o->special_as_text,
                "special tokens written in the text (<s>, <|eot_id|>) are plain text, not those tokens");
  cmd->callback([o] {
    auto tok = tokenizer::load_tokenizer(o->model_dir);
    tok->special_tokens_as_text = o->special_as_text;
    auto ids = tok->encode(input_text(*o), !o->no_special);
    if (o->ids_only) {
      fmt::print("{}\n", fmt::join(ids, " "));
      return;
    }
    for (int32_t id : ids) fmt::print("{}\t{}\n", id, tok->id_to_token(id));
    fmt::print(stderr, "{} tokens\n", ids.size());
  });
}

}  // namespace lethe::cli
