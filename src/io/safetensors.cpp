// SafetensorsReader: maps the file and keeps it mapped; tensors are views into the mapping.
#include "io/safetensors.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "io/safetensors_header.h"
#include "io/scoped_fd.h"
#include "util/error.h"

namespace lethe::io {
namespace {

constexpr uint64_t kLengthPrefixBytes = 8;
constexpr uint64_t kMaxHeaderBytes = 100ULL << 20;  // the official reader's bound on the JSON

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason) {
  throw Error(fmt::format("{}: {}", path.string(), reason));
}

void unmap(const std::byte* data, std::size_t size) {
  if (data != nullptr) ::munmap(const_cast<std::byte*>(data), size);
}

// A read-only private mapping of a whole file that unmaps itself unless released. An empty file
// gets no mapping (mmap rejects length 0).
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));  // the mapping outlives it
    if (fd.get() < 0) fail(path, fmt::format("cannot open: {}", std::strerror(errno)));
    map(path, fd.get());
  }
  ~MappedFile() { unmap(data_, size_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  void release() { data_ = nullptr; }

 private:
  void map(const std::filesystem::path& path, int fd) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) fail(path, fmt::format("cannot stat: {}", std::strerror(errno)));
    if (!S_ISREG(info.st_mode)) fail(path, "not a regular file");
    size_ = static_cast<std::size_t>(info.st_size);
    if (size_ == 0) return;
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) fail(path, fmt::format("cannot map: {}", std::strerror(errno)));
    data_ = static_cast<const std::byte*>(data);
  }

  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

uint64_t read_le64(const std::byte* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | std::to_integer<uint64_t>(bytes[i]);
  return value;
}

// The header length, after checking that the header lies inside the file.
uint64_t header_length(const std::filesystem::path& path, const MappedFile& file) {
  if (file.size() < kLengthPrefixBytes)
    fail(path, fmt::format("file is {} bytes, shorter than the 8-byte header length", file.size()));
  uint64_t length = read_le64(file.data());
  if (length == 0) fail(path, "header length is 0");
  if (length > kMaxHeaderBytes) fail(path, fmt::format("header length {} exceeds the 100 MiB limit", length));
  if (length > file.size() - kLengthPrefixBytes)
    fail(path, fmt::format("header length {} runs past the end of the file ({} bytes)", length, file.size()));
  return length;
}

}  // namespace

SafetensorsReader::SafetensorsReader(const std::filesystem::path& path) : path_(path) {
  MappedFile file(path_);
  uint64_t length = header_length(path_, file);
  std::string_view header_text(reinterpret_cast<const char*>(file.data()) + kLengthPrefixBytes, length);
  uint64_t data_size = file.size() - kLengthPrefixBytes - length;
  SafetensorsHeader header = parse_safetensors_header(path_.string(), header_text, data_size);

  tensors_ = std::move(header.tensors);
  metadata_ = std::move(header.metadata);
  by_name_.resize(tensors_.size());
  for (std::size_t i = 0; i < by_name_.size(); ++i) by_name_[i] = i;
  std::sort(by_name_.begin(), by_name_.end(),
            [this](std::size_t a, std::size_t b) { return tensors_[a].name < tensors_[b].name; });

  mapping_ = file.data();
  mapping_size_ = file.size();
  data_section_ = mapping_ + kLengthPrefixBytes + length;
  file.release();
}

SafetensorsReader::~SafetensorsReader() { unmap(mapping_, mapping_size_); }

SafetensorsReader::SafetensorsReader(SafetensorsReader&& other) noexcept
    : path_(std::move(other.path_)),
      tensors_(std::move(other.tensors_)),
      by_name_(std::move(other.by_name_)),
      metadata_(std::move(other.metadata_)),
      mapping_(std::exchange(other.mapping_, nullptr)),
      mapping_size_(std::exchange(other.mapping_size_, 0)),
      data_section_(std::exchange(other.data_section_, nullptr)) {}

SafetensorsReader& SafetensorsReader::operator=(SafetensorsReader&& other) noexcept {
  if (this != &other) {
    unmap(mapping_, mapping_size_);
    path_ = std::move(other.path_);
    tensors_ = std::move(other.tensors_);
    by_name_ = std::move(other.by_name_);
    metadata_ = std::move(other.metadata_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapping_size_ = std::exchange(other.mapping_size_, 0);
    data_section_ = std::exchange(other.data_section_, nullptr);
  }
  return *this;
}

const TensorInfo* SafetensorsReader::find(std::string_view name) const {
  auto it = std::lower_bound(
      by_name_.begin(), by_name_.end(), name,
      [this](std::size_t index, std::string_view key) { return tensors_[index].name < key; });
  if (it == by_name_.end() || tensors_[*it].name != name) return nullptr;
  return &tensors_[*it];
}

const std::byte* SafetensorsReader::data(const TensorInfo& info) const { return data_section_ + info.offset; }

}  // namespace lethe::io
