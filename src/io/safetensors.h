#pragma once
// Reading and writing the safetensors format (Hugging Face): an 8-byte little-endian header
// length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {str: str}}, then the data section. The reader memory-maps the file and checks every claim of
// the header before anyone touches the data; any violation throws lethe::Error naming the file,
// the tensor and the reason.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/dtype.h"

namespace lethe::io {

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t offset = 0;  // byte offset of the first element, relative to the data section
  uint64_t nbytes = 0;
};

class SafetensorsReader {
 public:
  explicit SafetensorsReader(const std::filesystem::path& path);
  ~SafetensorsReader();
  SafetensorsReader(SafetensorsReader&& other) noexcept;
  SafetensorsReader& operator=(SafetensorsReader&& other) noexcept;
  SafetensorsReader(const SafetensorsReader&) = delete;
  SafetensorsReader& operator=(const SafetensorsReader&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in data-offset order
  const TensorInfo* find(std::string_view name) const;                 // nullptr if absent
  const std::byte* data(const TensorInfo& info) const;                 // nbytes valid bytes
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::filesystem::path path_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::size_t> by_name_;  // indices into tensors_ sorted by name, for find()
  std::map<std::string, std::string> metadata_;
  const std::byte* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  const std::byte* data_section_ = nullptr;
};

// A tensor to write: a view of bytes owned by the caller.
struct TensorBytes {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  uint64_t nbytes = 0;  // must equal product(shape) * dtype_size(dtype)
};

// Writes one safetensors file atomically, tensors in the given order, header padded to 8 bytes.
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorBytes>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace lethe::io
