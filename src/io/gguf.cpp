#include "io/gguf.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <set>

#include "io/file.h"
#include "util/error.h"

namespace lethe::io {
namespace {

constexpr char kMagic[4] = {'G', 'G', 'U', 'F'};
constexpr uint32_t kVersion = 3;
constexpr uint64_t kDefaultAlignment = 32;
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
constexpr uint64_t kMaxElements = 1ULL << 56;  // so that no byte count overflows
constexpr int64_t kQ8BlockValues = 32;
constexpr uint64_t kQ8BlockBytes = 34;  // a float16 scale and 32 int8 values

uint64_t align_up(uint64_t offset, uint64_t alignment) { return (offset + alignment - 1) / alignment * alignment; }

int scalar_bytes(GgufValueType type) {
  switch (type) {
    case GgufValueType::kUint8: case GgufValueType::kInt8: case GgufValueType::kBool: return 1;
    case GgufValueType::kUint16: case GgufValueType::kInt16: return 2;
    case GgufValueType::kUint32: case GgufValueType::kInt32: case GgufValueType::kFloat32: return 4;
    case GgufValueType::kUint64: case GgufValueType::kInt64: case GgufValueType::kFloat64: return 8;
    default: return 0;  // string, array: not fixed
  }
}

bool is_signed(GgufValueType type) {
  return type == GgufValueType::kInt8 || type == GgufValueType::kInt16 || type == GgufValueType::kInt32 ||
         type == GgufValueType::kInt64;
}

// --- writing ---

void put_le(std::string& out, uint64_t bits, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void put_string(std::string& out, const std::string& text) {
  put_le(out, text.size(), 8);
  out += text;
}

void put_scalar(std::string& out, GgufValueType type, const nlohmann::json& value) {
  switch (type) {
    case GgufValueType::kString: put_string(out, value.get<std::string>()); return;
    case GgufValueType::kBool: out.push_back(value.get<bool>() ? 1 : 0); return;
    case GgufValueType::kFloat32: {
      float f = value.get<float>();
      uint32_t bits = 0;
      std::memcpy(&bits, &f, 4);
      put_le(out, bits, 4);
      return;
    }
    case GgufValueType::kFloat64: {
      double d = value.get<double>();
      uint64_t bits = 0;
      std::memcpy(&bits, &d, 8);
      put_le(out, bits, 8);
      return;
    }
    default: {
      uint64_t bits = is_signed(type) ? static_cast<uint64_t>(value.get<int64_t>()) : value.get<uint64_t>();
      put_le(out, bits, scalar_bytes(type));
    }
  }
}

// --- reading ---

// Reads a stream of known size, refusing any read that would run past its end.
class Cursor {
 public:
  Cursor(std::istream& in, uint64_t size, std::string origin) : in_(in), size_(size), origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& reason) const {
    throw Error(fmt::format("{}: not a valid GGUF file: {}", origin_, reason));
  }
  void need(uint64_t bytes, const std::string& what) const {
    if (bytes > size_ - position_)
      fail(fmt::format("{} ({} bytes at offset {}) runs past the end of the file ({} bytes)", what, bytes, position_,
                       size_));
  }
  uint64_t le(int bytes, const std::string& what) {
    need(bytes, what);
    unsigned char buffer[8] = {};
    read(buffer, bytes);
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | buffer[i];
    return value;
  }
  std::string string(const std::string& what) {
    uint64_t length = le(8, what + "'s length");
    need(length, what);
    std::string text(length, '\0');
    read(text.data(), length);
    return text;
  }
  void read(void* data, uint64_t bytes) {
    in_.read(static_cast<char*>(data), static_cast<std::streamsize>(bytes));
    if (static_cast<uint64_t>(in_.gcount()) != bytes) fail(fmt::format("cannot read at offset {}", position_));
    position_ += bytes;
  }
  uint64_t position() const { return position_; }
  uint64_t size() const { return size_; }

 private:
  std::istream& in_;
  uint64_t size_;
  uint64_t position_ = 0;
  std::string origin_;
};

GgufValueType value_type(Cursor& cursor, const std::string& what) {
  uint64_t code = cursor.le(4, what + "'s type");
  if (code > static_cast<uint32_t>(GgufValueType::kFloat64)) cursor.fail(fmt::format("{} has type {}, which GGUF does not define", what, code));
  return static_cast<GgufValueType>(code);
}

nlohmann::json read_scalar(Cursor& cursor, GgufValueType type, const std::string& what) {
  switch (type) {
    case GgufValueType::kString: return cursor.string(what);
    case GgufValueType::kBool: {
      uint64_t byte = cursor.le(1, what);
      if (byte > 1) cursor.fail(fmt::format("{} is a bool of value {}", what, byte));
      return byte == 1;
    }
    case GgufValueType::kFloat32: {
      auto bits = static_cast<uint32_t>(cursor.le(4, what));
      float f = 0;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case GgufValueType::kFloat64: {
      uint64_t bits = cursor.le(8, what);
      double d = 0;
      std::memcpy(&d, &bits, 8);
      return d;
    }
    default: {
      int bytes = scalar_bytes(type);
      uint64_t bits = cursor.le(bytes, what);
      if (!is_signed(type)) return bits;
      int shift = 64 - 8 * bytes;  // sign-extend
      return static_cast<int64_t>(bits << shift) >> shift;
    }
  }
}

GgufMetadata read_metadata(Cursor& cursor, uint64_t index) {
  GgufMetadata item;
  item.key = cursor.string(fmt::format("metadata key {}", index));
  const std::string what = fmt::format("metadata '{}'", item.key);
  item.type = value_type(cursor, what);
  if (item.type != GgufValueType::kArray) {
    item.value = read_scalar(cursor, item.type, what);
    return item;
  }
  item.element_type = value_type(cursor, what + "'s elements");
  if (item.element_type == GgufValueType::kArray) cursor.fail(what + " is an array of arrays, which lethe does not read");
  uint64_t count = cursor.le(8, what + "'s length");
  // Each element takes at least its fixed size (a string its 8-byte length): checked before any
  // allocation, so a claimed count of 2^60 is refused rather than attempted.
  uint64_t least = item.element_type == GgufValueType::kString ? 8 : scalar_bytes(item.element_type);
  if (count > (cursor.size() - cursor.position()) / least)
    cursor.fail(fmt::format("{} claims {} elements, more than the file holds", what, count));
  item.value = nlohmann::json::array();
  for (uint64_t i = 0; i < count; ++i) item.value.push_back(read_scalar(cursor, item.element_type, what));
  return item;
}

GgufTensor read_tensor_info(Cursor& cursor, uint64_t index) {
  GgufTensor tensor;
  tensor.name = cursor.string(fmt::format("tensor name {}", index));
  const std::string what = fmt::format("tensor '{}'", tensor.name);
  uint64_t dims = cursor.le(4, what + "'s dimension count");
  if (dims == 0 || dims > kMaxDims) cursor.fail(fmt::format("{} has {} dimensions (1 to {})", what, dims, kMaxDims));
  uint64_t elements = 1;
  tensor.shape.assign(dims, 0);
  for (uint64_t d = 0; d < dims; ++d) {
    uint64_t extent = cursor.le(8, what + "'s dimensions");
    if (extent == 0 || extent > kMaxElements / elements)
      cursor.fail(fmt::format("{} has a dimension of {}", what, extent));
    elements *= extent;
    tensor.shape[dims - 1 - d] = static_cast<int64_t>(extent);  // stored innermost first
  }
  uint64_t type = cursor.le(4, what + "'s type");
  if (type != 0 && type != 1 && type != 8 && type != 30)
    cursor.fail(fmt::format("{} has ggml type {}, which lethe does not read (f32, f16, q8_0, bf16)", what, type));
  tensor.type = static_cast<GgmlType>(type);
  tensor.offset = cursor.le(8, what + "'s offset");
  try {
    tensor.nbytes = ggml_nbytes(tensor.type, tensor.shape);
  } catch (const Error& e) {
    cursor.fail(fmt::format("{}: {}", what, e.what()));
  }
  return tensor;
}

uint64_t read_alignment(const GgufContents& contents, Cursor& cursor) {
  const GgufMetadata* item = contents.find("general.alignment");
  if (item == nullptr) return kDefaultAlignment;
  if (item->type != GgufValueType::kUint32) cursor.fail("general.alignment is not a uint32");
  uint64_t alignment = item->value.get<uint64_t>();
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    cursor.fail(fmt::format("general.alignment is {}, not a power of two", alignment));
  return alignment;
}

void check_tensor_placement(const GgufContents& contents, Cursor& cursor) {
  const uint64_t data_size = cursor.size() - contents.data_offset;
  for (const GgufTensor& t : contents.tensors) {
    if (t.offset % contents.alignment != 0)
      cursor.fail(fmt::format("tensor '{}' starts at {}, not a multiple of the alignment {}", t.name, t.offset,
                              contents.alignment));
    if (t.offset > data_size || t.nbytes > data_size - t.offset)
      cursor.fail(fmt::format("tensor '{}' ({} bytes at {}) runs past the end of the data section ({} bytes)",
                              t.name, t.nbytes, t.offset, data_size));
  }
}

}  // namespace

const char* ggml_type_name(GgmlType type) {
  switch (type) {
    case GgmlType::kF32: return "f32";
    case GgmlType::kF16: return "f16";
    case GgmlType::kQ8_0: return "q8_0";
    case GgmlType::kBF16: return "bf16";
  }
  return "unknown";
}

uint64_t ggml_nbytes(GgmlType type, const std::vector<int64_t>& shape) {
  uint64_t elements = 1;
  for (int64_t extent : shape) elements *= static_cast<uint64_t>(extent);
  switch (type) {
    case GgmlType::kF32: return elements * 4;
    case GgmlType::kF16: case GgmlType::kBF16: return elements * 2;
    case GgmlType::kQ8_0:
      if (shape.empty() || shape.back() % kQ8BlockValues != 0)
        throw Error(fmt::format("q8_0 needs rows of a multiple of {} values; a row here has {}", kQ8BlockValues,
                                shape.empty() ? 0 : shape.back()));
      return elements / kQ8BlockValues * kQ8BlockBytes;
  }
  throw Error("unknown ggml type");
}

void GgufWriter::add(std::string key, GgufValueType type, nlohmann::json value) {
  metadata_.push_back({std::move(key), type, GgufValueType::kUint32, std::move(value)});
}

void GgufWriter::add_array(std::string key, GgufValueType element_type, nlohmann::json values) {
  metadata_.push_back({std::move(key), GgufValueType::kArray, element_type, std::move(values)});
}

void GgufWriter::add_tensor(std::string name, GgmlType type, std::vector<int64_t> shape) {
  GgufTensor tensor{std::move(name), type, std::move(shape), align_up(data_size_, kDefaultAlignment), 0};
  tensor.nbytes = ggml_nbytes(type, tensor.shape);
  data_size_ = tensor.offset + tensor.nbytes;
  tensors_.push_back(std::move(tensor));
}

void GgufWriter::write(const std::filesystem::path& path,
                       const std::function<std::string(const GgufTensor&)>& tensor_bytes) const {
  std::string header(kMagic, 4);
  put_le(header, kVersion, 4);
  put_le(header, tensors_.size(), 8);
  put_le(header, metadata_.size(), 8);
  for (const GgufMetadata& item : metadata_) {
    put_string(header, item.key);
    put_le(header, static_cast<uint32_t>(item.type), 4);
    if (item.type != GgufValueType::kArray) {
      put_scalar(header, item.type, item.value);
      continue;
    }
    put_le(header, static_cast<uint32_t>(item.element_type), 4);
    put_le(header, item.value.size(), 8);
    for (const auto& element : item.value) put_scalar(header, item.element_type, element);
  }
  for (const GgufTensor& t : tensors_) {
    put_string(header, t.name);
    put_le(header, t.shape.size(), 4);
    for (auto extent = t.shape.rbegin(); extent != t.shape.rend(); ++extent) put_le(header, *extent, 8);
    put_le(header, static_cast<uint32_t>(t.type), 4);
    put_le(header, t.offset, 8);
  }
  header.resize(align_up(header.size(), kDefaultAlignment), '\0');

  AtomicFile file(path);
  file.write(header.data(), header.size());
  uint64_t written = 0;
  for (const GgufTensor& t : tensors_) {
    const std::string padding(t.offset - written, '\0');
    file.write(padding.data(), padding.size());
    const std::string bytes = tensor_bytes(t);
    if (bytes.size() != t.nbytes)
      throw Error(fmt::format("{}: tensor '{}' came to {} bytes, not {}", path.string(), t.name, bytes.size(), t.nbytes));
    file.write(bytes.data(), bytes.size());
    written = t.offset + t.nbytes;
  }
  file.commit();
}

const GgufMetadata* GgufContents::find(std::string_view key) const {
  for (const GgufMetadata& item : metadata)
    if (item.key == key) return &item;
  return nullptr;
}

GgufContents parse_gguf(std::istream& in, uint64_t size, const std::string& origin) {
  Cursor cursor(in, size, origin);
  char magic[4] = {};
  cursor.need(4, "the magic");
  cursor.read(magic, 4);
  if (std::memcmp(magic, kMagic, 4) != 0) cursor.fail("it does not start with \"GGUF\"");
  GgufContents contents;
  contents.version = static_cast<uint32_t>(cursor.le(4, "the version"));
  if (contents.version != 2 && contents.version != 3)
    cursor.fail(fmt::format("version {} (lethe reads 2 and 3)", contents.version));
  uint64_t tensor_count = cursor.le(8, "the tensor count");
  uint64_t metadata_count = cursor.le(8, "the metadata count");
  std::set<std::string, std::less<>> keys;
  for (uint64_t i = 0; i < metadata_count; ++i) {
    contents.metadata.push_back(read_metadata(cursor, i));
    if (!keys.insert(contents.metadata.back().key).second)
      cursor.fail(fmt::format("metadata '{}' appears twice", contents.metadata.back().key));
  }
  contents.alignment = read_alignment(contents, cursor);
  std::set<std::string, std::less<>> names;
  for (uint64_t i = 0; i < tensor_count; ++i) {
    contents.tensors.push_back(read_tensor_info(cursor, i));
    if (!names.insert(contents.tensors.back().name).second)
      cursor.fail(fmt::format("tensor '{}' appears twice", contents.tensors.back().name));
  }
  contents.data_offset = align_up(cursor.position(), contents.alignment);
  if (contents.data_offset > size) cursor.fail("the data section starts past the end of the file");
  check_tensor_placement(contents, cursor);
  return contents;
}

GgufContents read_gguf(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open", path.string()));
  std::error_code error;
  uint64_t size = std::filesystem::file_size(path, error);
  if (error) throw Error(fmt::format("{}: cannot read its size: {}", path.string(), error.message()));
  return parse_gguf(in, size, path.string());
}

}  // namespace lethe::io
