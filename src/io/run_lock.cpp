#include "io/run_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/error.h"

namespace lethe::io {
namespace {

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// The writer's PID of a temporary file of AtomicFile (file.cpp names them ".NAME.tmp-PID-RAND",
// RAND 8 hex digits), or 0 for any other name.
long temporary_file_writer(const std::string& name) {
  const size_t tmp = name.rfind(".tmp-");
  const size_t dash = name.rfind('-');
  if (name.empty() || name[0] != '.' || tmp == std::string::npos || tmp == 0 || dash <= tmp + 5 ||
      name.size() - dash != 9)
    return 0;
  const std::string pid = name.substr(tmp + 5, dash - tmp - 5), random = name.substr(dash + 1);
  auto all_of = [](const std::string& text, const char* alphabet) {
    return text.find_first_not_of(alphabet) == std::string::npos;
  };
  if (pid.size() > 9 || !all_of(pid, "0123456789") || !all_of(random, "0123456789abcdef")) return 0;
  return std::stol(pid);
}

// Never throws: a folder that cannot be listed keeps its leftovers, and the lock holds all the same.
void remove_abandoned_temporary_files(const std::filesystem::path& folder) {
  std::error_code error;
  for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const long writer = temporary_file_writer(it->path().filename().string());
    std::error_code ignored;
    if (writer > 0 && !process_alive(writer)) std::filesystem::remove(it->path(), ignored);
  }
}

}  // namespace

RunLock::RunLock(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  const auto path = folder / ".lethe.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("{}: cannot open the run lock: {}", path.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof(holder) - 1, 0);
    ::close(fd_);
    fd_ = -1;
    throw Error(fmt::format("{}: another lethe process (PID {}) is working in this folder; wait for it to end or "
                            "choose another output folder",
                            folder.string(), n > 0 ? std::string(holder, static_cast<size_t>(n)) : "unknown"));
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int failure = errno;
    ::close(fd_);
    fd_ = -1;
    throw Error(fmt::format("{}: cannot write the run lock: {}", path.string(), std::strerror(failure)));
  }
  remove_abandoned_temporary_files(folder);
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace lethe::io
