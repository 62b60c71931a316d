#pragma once
// The inputs of the fuzz targets: lethe's parsers read files, as lethe does, so each input is
// written to a file of this process's own folder before it is parsed.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace lethe::fuzz {

// A folder of this process, removed when it exits.
struct InputFolder {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("lethe-fuzz-" + std::to_string(::getpid()));
  InputFolder() { std::filesystem::create_directories(path); }
  ~InputFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// FOLDER/name holding the input.
inline std::filesystem::path write_input(const uint8_t* data, size_t size, const std::string& name) {
  static const InputFolder folder;
  std::ofstream(folder.path / name, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return folder.path / name;
}

}  // namespace lethe::fuzz
