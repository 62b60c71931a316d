// write_safetensors: checks what the caller hands in as strictly as the reader checks files, so
// that everything lethe writes can be read back.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "io/file.h"
#include "io/safetensors.h"
#include "io/safetensors_header.h"
#include "util/error.h"

namespace lethe::io {
namespace {

void check_tensor(const std::filesystem::path& path, const TensorBytes& tensor) {
  std::string where = fmt::format("{}: tensor '{}'", path.string(), tensor.name);
  if (tensor.name == kMetadataKey) throw Error(where + ": the name is reserved for the metadata");
  std::optional<uint64_t> needed = tensor_byte_size(tensor.dtype, tensor.shape);
  if (!needed) throw Error(where + ": shape has a negative dimension or overflows 64 bits");
  if (tensor.nbytes != *needed)
    throw Error(fmt::format("{}: has {} bytes, but shape {} of {} needs {}", where, tensor.nbytes,
                            nlohmann::json(tensor.shape).dump(), dtype_name(tensor.dtype), *needed));
  if (tensor.data == nullptr && tensor.nbytes > 0) throw Error(where + ": data is null");
}

void check_tensors(const std::filesystem::path& path, const std::vector<TensorBytes>& tensors) {
  std::set<std::string_view> names;
  for (const TensorBytes& tensor : tensors) {
    check_tensor(path, tensor);
    if (!names.insert(tensor.name).second)
      throw Error(fmt::format("{}: tensor '{}': given twice", path.string(), tensor.name));
  }
}

// The JSON header, padded with spaces so that the data section starts at a multiple of 8 bytes.
std::string header_text(const std::filesystem::path& path, const std::vector<TensorBytes>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  uint64_t offset = 0;
  for (const TensorBytes& tensor : tensors) {
    header[tensor.name] = {{"dtype", dtype_name(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + tensor.nbytes}}};
    offset += tensor.nbytes;
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::type_error& e) {  // a name or metadata string that is not UTF-8
    throw Error(fmt::format("{}: cannot write header: {}", path.string(), e.what()));
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

std::string le64(uint64_t value) {
  std::string bytes(8, '\0');
  for (char& byte : bytes) {
    byte = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

}  // namespace

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorBytes>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  check_tensors(path, tensors);
  std::string header = header_text(path, tensors, metadata);
  AtomicFile file(path);
  file.write(le64(header.size()).data(), 8);
  file.write(header.data(), header.size());
  for (const TensorBytes& tensor : tensors) file.write(tensor.data, tensor.nbytes);
  file.commit();
}

}  // namespace lethe::io
