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

// FOLDER/name holding the input, FOLDER a folder of this process (created on first use).
inline std::filesystem::path write_input(const uint8_t* data, size_t size, const std::string& name) {
  static const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("lethe-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::ofstream(folder / name, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
  return folder / name;
}

}  // namespace lethe::fuzz
