#include "unlearn/label_file.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "util/error.h"

namespace lethe::unlearn {
namespace {

constexpr char kMagic[8] = {'L', 'E', 'T', 'H', 'E', 'L', 'B', 'L'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kMaxHeaderBytes = 1 << 24;

uint64_t record_bytes(const LabelFileHeader& h) {
  uint64_t per_set = 4 * h.block_length * (1 + 2 * h.soft_top_k);
  return 4 * h.block_length + h.label_sets * per_set;
}

template <typename T>
void put(std::string& out, const T* data, size_t count) {
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
}

template <typename T>
void check_size(const std::vector<T>& v, size_t expected, const char* what) {
  if (v.size() != expected)
    throw Error(fmt::format("label file: a record's {} has {} values, the header says {}", what, v.size(), expected));
}

template <typename T>
std::vector<T> take(const char*& at, size_t count) {
  std::vector<T> out(count);
  std::memcpy(out.data(), at, count * sizeof(T));
  at += count * sizeof(T);
  return out;
}

LabelFileHeader checked(LabelFileHeader header, const std::filesystem::path& path) {
  if (header.block_length <= 0 || header.label_sets <= 0 || header.soft_top_k < 0)
    throw Error(path.string() + ": label file header needs a block length and at least one label set");
  return header;
}

}  // namespace

LabelFileWriter::LabelFileWriter(const std::filesystem::path& path, LabelFileHeader header)
    : header_(checked(std::move(header), path)), file_(path) {
  std::string json = nlohmann::json{{"block_length", header_.block_length},
                                    {"label_sets", header_.label_sets},
                                    {"soft_top_k", header_.soft_top_k},
                                    {"provenance", header_.provenance}}
                         .dump();
  std::string head(kMagic, sizeof(kMagic));
  uint64_t length = json.size();
  put(head, &kVersion, 1);
  put(head, &length, 1);
  head += json;
  header_bytes_ = head.size();
  record_bytes_ = record_bytes(header_);
  if (file_.starts_with(head)) {
    records_ = static_cast<int64_t>((file_.size() - header_bytes_) / record_bytes_);
    keep_records(records_);  // a record cut short by a crash goes
  } else {
    file_.truncate(0);
    file_.append(head.data(), head.size());
  }
}

void LabelFileWriter::keep_records(int64_t count) {
  if (count < 0 || count > records_) throw Error(fmt::format("label file: cannot keep {} of {} records", count, records_));
  file_.truncate(header_bytes_ + static_cast<uint64_t>(count) * record_bytes_);
  records_ = count;
}

std::string encode_label_record(const LabelRecord& r, const LabelFileHeader& header) {
  const size_t length = header.block_length, soft = length * header.soft_top_k;
  check_size(r.tokens, length, "tokens");
  check_size(r.labels, header.label_sets, "label sets");
  std::string bytes;
  put(bytes, r.tokens.data(), length);
  for (int64_t s = 0; s < header.label_sets; ++s) {
    check_size(r.labels[s], length, "labels");
    put(bytes, r.labels[s].data(), length);
    if (soft == 0) continue;
    check_size(r.soft_ids.at(s), soft, "soft ids");
    check_size(r.soft_probabilities.at(s), soft, "soft probabilities");
    put(bytes, r.soft_ids[s].data(), soft);
    put(bytes, r.soft_probabilities[s].data(), soft);
  }
  return bytes;
}

void LabelFileWriter::append(const LabelRecord& r) { append_encoded(encode_label_record(r, header_)); }

void LabelFileWriter::append_encoded(const std::string& records) {
  if (records.size() % record_bytes_ != 0)
    throw Error(fmt::format("label file: {} bytes are not whole records of {} bytes", records.size(), record_bytes_));
  file_.append(records.data(), records.size());
  records_ += static_cast<int64_t>(records.size() / record_bytes_);
}

void LabelFileWriter::sync() { file_.sync(); }

void LabelFileWriter::commit() { file_.commit(); }

LabelFileReader::LabelFileReader(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(fmt::format("{}: cannot open label file: {}", path.string(), std::strerror(errno)));
  struct stat st {};
  ::fstat(fd_, &st);
  const uint64_t size = st.st_size;
  char fixed[sizeof(kMagic) + 4 + 8];
  if (size < sizeof(fixed) || ::pread(fd_, fixed, sizeof(fixed), 0) != static_cast<ssize_t>(sizeof(fixed)) ||
      std::memcmp(fixed, kMagic, sizeof(kMagic)) != 0) {
    ::close(fd_);
    throw Error(path.string() + ": not a lethe label file");
  }
  uint32_t version;
  uint64_t header_bytes;
  std::memcpy(&version, fixed + 8, 4);
  std::memcpy(&header_bytes, fixed + 12, 8);
  auto fail = [&](const std::string& why) {
    ::close(fd_);
    throw Error(path.string() + ": " + why);
  };
  if (version != kVersion) fail(fmt::format("label file version {} (this lethe reads {})", version, kVersion));
  if (header_bytes > kMaxHeaderBytes || header_bytes > size - sizeof(fixed)) fail("label file header runs past the end");
  std::string json(header_bytes, '\0');
  if (::pread(fd_, json.data(), header_bytes, sizeof(fixed)) != static_cast<ssize_t>(header_bytes)) fail("cannot read the header");
  try {
    auto h = nlohmann::json::parse(json);
    header_.block_length = h.at("block_length").get<int64_t>();
    header_.label_sets = h.at("label_sets").get<int64_t>();
    header_.soft_top_k = h.at("soft_top_k").get<int64_t>();
    header_.provenance = h.at("provenance");
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("broken label file header: ") + e.what());
  }
  if (header_.block_length <= 0 || header_.label_sets <= 0 || header_.soft_top_k < 0 ||
      header_.block_length > (1 << 24) || header_.label_sets > 64 || header_.soft_top_k > 1024)
    fail("label file header has impossible sizes");
  data_offset_ = sizeof(fixed) + header_bytes;
  record_bytes_ = record_bytes(header_);
  if ((size - data_offset_) % record_bytes_ != 0)
    fail(fmt::format("label file is truncated: {} bytes of records is not a whole number of {}-byte records",
                     size - data_offset_, record_bytes_));
  block_count_ = static_cast<int64_t>((size - data_offset_) / record_bytes_);
}

LabelFileReader::~LabelFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

LabelRecord LabelFileReader::read(int64_t index) const {
  if (index < 0 || index >= block_count_)
    throw Error(fmt::format("{}: block {} of {}", path_.string(), index, block_count_));
  std::string bytes(record_bytes_, '\0');
  if (::pread(fd_, bytes.data(), record_bytes_, data_offset_ + index * record_bytes_) != static_cast<ssize_t>(record_bytes_))
    throw Error(fmt::format("{}: cannot read block {}", path_.string(), index));
  const size_t length = header_.block_length, soft = length * header_.soft_top_k;
  const char* at = bytes.data();
  LabelRecord r;
  r.tokens = take<int32_t>(at, length);
  for (int64_t s = 0; s < header_.label_sets; ++s) {
    r.labels.push_back(take<int32_t>(at, length));
    if (soft == 0) continue;
    r.soft_ids.push_back(take<int32_t>(at, soft));
    r.soft_probabilities.push_back(take<float>(at, soft));
  }
  return r;
}

void LabelFileReader::require_provenance(const nlohmann::json& expected) const {
  std::string differences;
  for (const auto& [key, value] : expected.items()) {
    auto found = header_.provenance.find(key);
    if (found == header_.provenance.end() || *found != value)
      differences += fmt::format("\n  {}: file has {}, expected {}", key,
                                 found == header_.provenance.end() ? "nothing" : found->dump(), value.dump());
  }
  if (!differences.empty())
    throw Error(path_.string() + ": these labels were made from other inputs:" + differences);
}

}  // namespace lethe::unlearn
