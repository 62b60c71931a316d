#include "cli/model_fixtures.h"

#include <gtest/gtest.h>

#include <fstream>

#include "io/file.h"

namespace lethe::test {

namespace fs = std::filesystem;

CommandResult lethe(const std::string& arguments) { return run_command(std::string(LETHE_EXE) + " " + arguments); }

fs::path make_tiny_model(const fs::path& dir, int vocab_size) {
  fs::create_directories(dir);
  std::ofstream corpus(dir / "corpus.txt");
  const char* words[] = {"the", "old", "wizard", "river", "castle", "green", "stone", "walks", "sings", "and"};
  for (int i = 0; i < 4000; ++i) corpus << words[(i * 7 + i / 3) % 10] << ((i % 11 == 10) ? ".\n" : " ");
  corpus.close();
  auto trained = run_command("spm_train --input=" + (dir / "corpus.txt").string() + " --model_prefix=" +
                             (dir / "tokenizer").string() + " --vocab_size=" + std::to_string(vocab_size) +
                             " --model_type=bpe --byte_fallback=true --minloglevel=2");
  EXPECT_EQ(trained.exit_code, 0) << trained.all();
  nlohmann::json config = {{"model_type", "llama"}, {"vocab_size", vocab_size}, {"hidden_size", 32},
                           {"intermediate_size", 64}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
                           {"num_key_value_heads", 2}, {"max_position_embeddings", 64},
                           {"tie_word_embeddings", true}, {"bos_token_id", 1}, {"eos_token_id", 2}};
  io::write_json_atomic(dir / "config.json", config);
  run_python("llama_reference.py", "make " + dir.string() + " 5 F32");
  return dir;
}

void rewrite_config(const fs::path& dir, const std::function<void(nlohmann::json&)>& edit) {
  auto config = io::read_json(dir / "config.json");
  edit(config);
  io::write_json_atomic(dir / "config.json", config);
}

void rewrite_tensors(const fs::path& dir, const std::function<void(std::vector<io::TensorBytes>&)>& edit) {
  std::string bytes = io::read_file(dir / "model.safetensors");
  fs::path copy = dir / "original.bin";
  io::write_file_atomic(copy, bytes);
  io::SafetensorsReader reader(copy);
  std::vector<io::TensorBytes> tensors;
  for (const auto& t : reader.tensors()) tensors.push_back({t.name, t.dtype, t.shape, reader.data(t), t.nbytes});
  edit(tensors);
  io::write_safetensors(dir / "model.safetensors", tensors);
}

}  // namespace lethe::test
