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

// Creates a folder (with its parents) that a command will write into, and makes sure it can: a
// command that writes its output after long work calls it first, so that a missing or read-only
// folder cannot throw the work away. Errors name the folder and the reason.
void prepare_output_folder(const std::filesystem::path& folder);
// The same for a file's folder; a file that is an existing folder is refused.
void prepare_output_file(const std::filesystem::path& path);

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

// A file written in pieces over one run or several: the pieces go to `PATH.partial`, which an
// interruption leaves in place for the next run to continue; commit() renames it to PATH. One
// process at a time: a second writer of the same file is refused (an flock on PATH.partial).
class PartialFile {
 public:
  explicit PartialFile(std::filesystem::path path);  // opens PATH.partial, or creates it empty
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  static std::filesystem::path partial_path(const std::filesystem::path& path);
  uint64_t size() const;
  bool starts_with(std::string_view bytes) const;
  void truncate(uint64_t size);  // appending continues from there
  void append(const void* data, std::size_t size);
  void sync();    // what was appended survives a crash
  void commit();  // synced, then renamed to PATH

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace lethe::io
