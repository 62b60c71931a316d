#include "test_util.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace lethe::test {

std::filesystem::path scratch_dir() {
  const auto& unit = *::testing::UnitTest::GetInstance();
  // Outside a test (a suite's shared set-up) the folder is named after the running suite and the
  // test filter: ctest runs each test in its own process, and two of one suite running at once
  // must not share (and wipe) one folder.
  std::string name = unit.current_test_info()
                         ? std::string(unit.current_test_info()->test_suite_name()) + "." + unit.current_test_info()->name()
                         : std::string(unit.current_test_suite()->name()) + ".shared-" + GTEST_FLAG_GET(filter);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  std::filesystem::path dir = std::filesystem::path(LETHE_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

BrowserPage load_in_chromium(const std::filesystem::path& html) {
  const auto dir = html.parent_path();
  BrowserPage page;
  page.run = run_command("chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 --user-data-dir=" +
                         (dir / "chromium-profile").string() + " --dump-dom file://" + html.string() + " 2>" +
                         (dir / "console.txt").string());
  std::ifstream console(dir / "console.txt");
  page.console.assign(std::istreambuf_iterator<char>(console), std::istreambuf_iterator<char>());
  return page;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  char stderr_path[] = "/tmp/lethe-test-stderr-XXXXXX";
  int fd = mkstemp(stderr_path);
  if (fd < 0) return result;
  close(fd);
  FILE* pipe = popen(("{ " + command + "\n} 2>" + stderr_path).c_str(), "r");
  if (pipe != nullptr) {
    std::array<char, 4096> buffer;
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::ifstream diagnostics(stderr_path, std::ios::binary);
  result.diagnostics.assign(std::istreambuf_iterator<char>(diagnostics), std::istreambuf_iterator<char>());
  std::remove(stderr_path);
  return result;
}

std::string run_python(const std::string& script, const std::string& arguments) {
  std::string path = std::string(LETHE_SOURCE_DIR) + "/tests/reference/" + script;
  CommandResult result = run_command(std::string(LETHE_PYTHON) + " " + path + " " + arguments);
  EXPECT_EQ(result.exit_code, 0) << script << " failed:\n" << result.all();
  return result.output;
}

}  // namespace lethe::test
