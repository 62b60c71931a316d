#pragma once
// GGUF, llama.cpp's model file (version 3): "GGUF", the version, the tensor and metadata counts,
// the metadata (key, value type, value), the tensor infos (name, dimensions innermost first, ggml
// type, offset), then the data section, each tensor aligned to general.alignment (32 unless the
// metadata says otherwise) from the section's start. All numbers little-endian.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::io {

enum class GgufValueType : uint32_t {
  kUint8 = 0, kInt8 = 1, kUint16 = 2, kInt16 = 3, kUint32 = 4, kInt32 = 5, kFloat32 = 6,
  kBool = 7, kString = 8, kArray = 9, kUint64 = 10, kInt64 = 11, kFloat64 = 12,
};

// The ggml element types lethe writes.
enum class GgmlType : uint32_t { kF32 = 0, kF16 = 1, kQ8_0 = 8, kBF16 = 30 };

const char* ggml_type_name(GgmlType type);  // "f32", "f16", "q8_0", "bf16"

// Bytes of a tensor of this type and shape (outermost first, as PyTorch writes it). Q8_0 packs
// blocks of 32 along the innermost dimension; a row that is not a multiple of 32 is an error.
uint64_t ggml_nbytes(GgmlType type, const std::vector<int64_t>& shape);

struct GgufMetadata {
  std::string key;
  GgufValueType type = GgufValueType::kUint32;
  GgufValueType element_type = GgufValueType::kUint32;  // of an array
  nlohmann::json value;  // a number, bool, string, or an array of them (strings kept as bytes)
};

struct GgufTensor {
  std::string name;
  GgmlType type = GgmlType::kF32;
  std::vector<int64_t> shape;  // outermost first; the file stores them innermost first
  uint64_t offset = 0;         // from the start of the data section
  uint64_t nbytes = 0;
};

class GgufWriter {
 public:
  void add(std::string key, GgufValueType type, nlohmann::json value);
  void add_array(std::string key, GgufValueType element_type, nlohmann::json values);
  void add_tensor(std::string name, GgmlType type, std::vector<int64_t> shape);

  // Writes the file atomically; tensor_bytes(t) gives each tensor's data, exactly t.nbytes bytes,
  // one tensor at a time in the order they were added (so a model larger than memory streams).
  void write(const std::filesystem::path& path,
             const std::function<std::string(const GgufTensor&)>& tensor_bytes) const;

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  size_t metadata_count() const { return metadata_.size(); }

 private:
  std::vector<GgufMetadata> metadata_;
  std::vector<GgufTensor> tensors_;  // offsets assigned as they are added
  uint64_t data_size_ = 0;
};

struct GgufContents {
  uint32_t version = 0;
  uint64_t alignment = 32;
  uint64_t data_offset = 0;  // of the data section, from the start of the file
  std::vector<GgufMetadata> metadata;
  std::vector<GgufTensor> tensors;

  const GgufMetadata* find(std::string_view key) const;  // nullptr if absent
};

// Parses the header of a GGUF stream of `size` bytes, checking every count, length, type and
// offset against the file before trusting it; errors name `origin` and what is wrong.
GgufContents parse_gguf(std::istream& in, uint64_t size, const std::string& origin);
GgufContents read_gguf(const std::filesystem::path& path);

}  // namespace lethe::io
