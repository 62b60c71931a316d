#pragma once
// One lethe process at a time in a run folder: an flock on FOLDER/.lethe.lock, a file that names
// the holder's PID. A second process is refused at once, naming the holder; the kernel drops the
// lock with its process (Ctrl-C, kill -9), so the next run takes over. Taking the lock also removes
// the temporary files that interrupted atomic writes of dead processes left in the folder
// (".NAME.tmp-PID-RAND", up to a checkpoint's size each).
#include <filesystem>

namespace lethe::io {

class RunLock {
 public:
  explicit RunLock(const std::filesystem::path& folder);  // creates the folder if needed
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace lethe::io
