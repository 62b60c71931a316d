#pragma once
// Helpers of the io tests: tensors that own their bytes, raw safetensors files built by hand, and
// checks on thrown lethe::Error messages.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "util/error.h"

namespace lethe::test {

struct OwnedTensor {
  std::string name;
  io::DType dtype;
  std::vector<int64_t> shape;
  std::string bytes;

  io::TensorBytes view() const { return {name, dtype, shape, bytes.data(), bytes.size()}; }
};

// Bytes that differ from tensor to tensor, so that a mix-up shows.
inline std::string pattern_bytes(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 31 + seed * 97 + 7) & 0xff);
  return bytes;
}

inline OwnedTensor make_tensor(std::string name, io::DType dtype, std::vector<int64_t> shape, unsigned seed) {
  std::size_t count = 1;
  for (int64_t dim : shape) count *= static_cast<std::size_t>(dim);
  std::string bytes = pattern_bytes(count * io::dtype_size(dtype), seed);
  return {std::move(name), dtype, std::move(shape), std::move(bytes)};
}

inline std::vector<io::TensorBytes> views(const std::vector<OwnedTensor>& tensors) {
  std::vector<io::TensorBytes> result;
  for (const OwnedTensor& tensor : tensors) result.push_back(tensor.view());
  return result;
}

inline std::string le64(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return bytes;
}

// The little-endian header length at the start of a safetensors file (at least 8 bytes).
inline uint64_t header_length_of(const std::string& file) {
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(file[i]);
  return length;
}

// A safetensors file from its parts, the header length taken from the header as given.
inline std::string safetensors_bytes(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

// A plain, non-atomic write: the fuzz test writes thousands of files and needs no fsync.
inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// Runs `action`, which must throw lethe::Error naming `path` and containing `reason`.
inline void expect_error(const std::function<void()>& action, const std::filesystem::path& path,
                         const std::string& reason) {
  try {
    action();
    ADD_FAILURE() << "no error; expected one containing: " << reason;
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << "path missing from: " << message;
    EXPECT_NE(message.find(reason), std::string::npos) << "expected \"" << reason << "\" in: " << message;
  }
}

}  // namespace lethe::test
