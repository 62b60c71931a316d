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
    if (argc > 1 && argv[1][0] != '-') app.get_subcommand(argv[1]);  // CLI11 would say only "a subcommand is required"
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {  // a command's own exit code: 130 after Ctrl-C
    return e.get_exit_code();
  } catch (const CLI::OptionNotFound&) {
    fmt::print(stderr, "lethe: error: unknown command '{}' (lethe --help lists the commands)\n", argv[1]);
    return 2;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // A command line that does not parse is a usage error: exit code 2, in lethe's own form.
    fmt::print(stderr, "lethe: error: {}\nRun with --help for the options.\n", e.what());
    return 2;
  } catch (const lethe::Error& e) {
    fmt::print(stderr, "lethe: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {  // torch and filesystem errors: still a message, never a crash
    fmt::print(stderr, "lethe: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
