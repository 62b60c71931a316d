#pragma once
// Whole-file reads with clear errors, and atomic writes: the data goes to a temporary file in the
// same folder, is fsync'ed, then renamed over the target (and the folder fsync'ed), so a reader
// sees the old file or the new one, never half of one.
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace lethe::io {

std::string read_file(const std::filesystem::path& path);
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Parses a JSON file; errors name the file and the byte where parsing failed.
nlohmann::json read_json(const std::filesystem::path& path);
void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& value);

// A file written in pieces that appears under its final name only on commit(). If the object is
// destroyed before commit() (an exception, Ctrl-C unwinding), the temporary file is removed.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
};

}  // namespace lethe::io
