// One process per run folder: a second lock is refused naming the holder's PID, the lock goes with
// its holder, and taking it removes the temporary files that dead writers left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "io/run_lock.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::io {
namespace {

TEST(RunLock, ASecondHolderIsRefusedUntilTheFirstIsGone) {
  auto dir = test::scratch_dir() / "run";
  {
    RunLock first(dir);
    try {
      RunLock second(dir);
      FAIL() << "two locks on one folder";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("(PID " + std::to_string(::getpid()) + ")"), std::string::npos)
          << e.what();
    }
  }
  RunLock again(dir);  // the first is gone
}

TEST(RunLock, RemovesTheTemporaryFilesOfDeadWriters) {
  auto dir = test::scratch_dir();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ::waitpid(child, nullptr, 0);  // a PID whose process is gone
  const auto dead = dir / (".checkpoint.pt.tmp-" + std::to_string(child) + "-0badf00d");
  const auto alive = dir / (".metrics.jsonl.tmp-" + std::to_string(::getpid()) + "-12345678");
  const auto other = dir / "notes.tmp-1-0badf00d";
  for (const auto& file : {dead, alive, other}) std::ofstream(file) << "bytes";
  RunLock lock(dir);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(alive));  // its writer may still be writing
  EXPECT_TRUE(std::filesystem::exists(other));  // not a temporary file of lethe's
}

}  // namespace
}  // namespace lethe::io
