#pragma once
// Helpers shared by the test suites: scratch folders and running programs.
#include <filesystem>
#include <string>

namespace lethe::test {

// A fresh, empty folder under the build tree, named after the running test (or suite).
std::filesystem::path scratch_dir();

// What a command wrote, stdout apart from stderr: a test checks the output it means, and warnings
// that a machine's environment may add on stderr cannot break it.
struct CommandResult {
  int exit_code = -1;
  std::string output;       // stdout
  std::string diagnostics;  // stderr: progress, warnings, errors
  std::string all() const { return output + diagnostics; }  // for failure messages
};
CommandResult run_command(const std::string& command);

// An HTML file loaded by headless Chromium (Debian's, which make deps installs): the DOM it built
// and its console log (a profile folder and the log are written beside the file).
struct BrowserPage {
  CommandResult run;     // run.output: the DOM
  std::string console;  // what the page logged; a message contains ":CONSOLE"
};
BrowserPage load_in_chromium(const std::filesystem::path& html);

// How many times `what` occurs in `text`.
int count_of(const std::string& text, const std::string& what);

// Runs a script of tests/reference with /usr/bin/python3; fails the test on a non-zero exit.
std::string run_python(const std::string& script, const std::string& arguments);

}  // namespace lethe::test
