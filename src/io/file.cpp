#include "io/file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "io/scoped_fd.h"
#include "util/error.h"

namespace lethe::io {
namespace {

[[noreturn]] void throw_errno(const std::filesystem::path& path, const char* what, int error) {
  throw Error(fmt::format("{}: {}: {}", path.string(), what, std::strerror(error)));
}

std::filesystem::path parent_folder(const std::filesystem::path& path) {
  std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// A rename is durable only once the folder holding the new name is on disk too.
void fsync_folder(const std::filesystem::path& folder) {
  ScopedFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw_errno(folder, "cannot open folder to sync it", errno);
  if (::fsync(fd.get()) != 0) throw_errno(folder, "cannot sync folder", errno);
}

// `.NAME.tmp-PID-RANDOM` next to the target: same file system, so the rename is atomic, and the
// pid and random part keep concurrent writers of the same target apart.
std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  std::random_device random;
  std::string name = fmt::format(".{}.tmp-{}-{:08x}", path.filename().string(), ::getpid(), random());
  return parent_folder(path) / name;
}

void write_all(int fd, const void* data, std::size_t size, const std::filesystem::path& path) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, "cannot write", errno);
    }
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw_errno(path, "cannot read", errno);
  std::string bytes;
  struct stat info {};
  if (::fstat(fd.get(), &info) == 0 && info.st_size > 0)
    bytes.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n == 0) return bytes;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, "cannot read", errno);
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile file(path);
  file.write(bytes.data(), bytes.size());
  file.commit();
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::string text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("{}: invalid JSON: {} (byte {})", path.string(), e.what(), e.byte));
  } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
    throw Error(fmt::format("{}: invalid JSON: {}", path.string(), e.what()));
  }
}

void prepare_output_folder(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw Error(fmt::format("{}: cannot create the folder: {}", folder.string(), error.message()));
  if (!std::filesystem::is_directory(folder)) throw Error(fmt::format("{}: not a folder", folder.string()));
  // Permissions do not tell (root may write anywhere but /proc): a file is made and removed.
  const auto probe = folder / fmt::format(".lethe-write-test-{}-{:08x}", ::getpid(), std::random_device()());
  ScopedFd fd(::open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
  if (fd.get() < 0) throw_errno(folder, "cannot write files in this folder", errno);
  ::unlink(probe.c_str());
}

void prepare_output_file(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path))
    throw Error(fmt::format("{}: is a folder; give the path of the file to write", path.string()));
  prepare_output_folder(parent_folder(path));
}

void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& value) {
  write_file_atomic(path, value.dump(2) + "\n");
}

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), temp_path_(temp_path_for(path_)) {
  fd_ = ::open(temp_path_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    int error = errno;
    throw Error(fmt::format("{}: cannot create temporary file {}: {}", path_.string(), temp_path_.string(),
                            std::strerror(error)));
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (fd_ < 0) throw Error(fmt::format("{}: write after commit", path_.string()));
  write_all(fd_, data, size, path_);
}

void AtomicFile::commit() {
  if (fd_ < 0) throw Error(fmt::format("{}: committed twice", path_.string()));
  if (::fsync(fd_) != 0) throw_errno(path_, "cannot sync", errno);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw_errno(path_, "cannot close", errno);  // NFS reports write errors here
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw_errno(path_, "cannot rename the temporary file onto it", errno);
  temp_path_.clear();
  fsync_folder(parent_folder(path_));
}

PartialFile::PartialFile(std::filesystem::path path) : path_(std::move(path)) {
  auto partial = partial_path(path_);
  fd_ = ::open(partial.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_errno(partial, "cannot open", errno);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {  // two writers would interleave their records
    ::close(fd_);
    fd_ = -1;
    throw Error(fmt::format("{}: another lethe process is writing this file", partial.string()));
  }
  if (::lseek(fd_, 0, SEEK_END) < 0) {
    const int error = errno;
    ::close(fd_);  // the destructor of a throwing constructor does not run
    fd_ = -1;
    throw_errno(partial, "cannot seek", error);
  }
}

PartialFile::~PartialFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::filesystem::path PartialFile::partial_path(const std::filesystem::path& path) {
  return path.string() + ".partial";
}

uint64_t PartialFile::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw_errno(partial_path(path_), "cannot stat", errno);
  return static_cast<uint64_t>(st.st_size);
}

bool PartialFile::starts_with(std::string_view bytes) const {
  if (size() < bytes.size()) return false;
  std::string head(bytes.size(), '\0');
  if (::pread(fd_, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()))
    throw_errno(partial_path(path_), "cannot read", errno);
  return head == bytes;
}

void PartialFile::truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || ::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0)
    throw_errno(partial_path(path_), "cannot truncate", errno);
}

void PartialFile::append(const void* data, std::size_t size) {
  if (fd_ < 0) throw Error(fmt::format("{}: write after commit", path_.string()));
  write_all(fd_, data, size, partial_path(path_));
}

void PartialFile::sync() {
  if (::fsync(fd_) != 0) throw_errno(partial_path(path_), "cannot sync", errno);
}

void PartialFile::commit() {
  sync();
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw_errno(path_, "cannot close", errno);
  if (::rename(partial_path(path_).c_str(), path_.c_str()) != 0)
    throw_errno(path_, "cannot rename the partial file onto it", errno);
  fsync_folder(parent_folder(path_));
}

}  // namespace lethe::io
