// lethe: the command-line entry point. Each command lives in its own file and registers here.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.h"
#include "util/error.h"
#include "util/system.h"

int main(int argc, char** argv) {
  lethe::util::fix_blas_or_warn(argv);
  CLI::App app{"lethe: make a language model forget, and prove it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lethe 0.1.0");
  lethe::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const lethe::Error& e) {
    fmt::print(stderr, "lethe: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {  // torch and filesystem errors: still a message, never a crash
    fmt::print(stderr, "lethe: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
