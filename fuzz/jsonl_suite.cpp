// A suite file (JSONL): read as every kind of suite lethe knows, and imported as the documents of
// every lm-evaluation-harness task.
#include "eval/harness_tasks.h"
#include "eval/suite.h"
#include "fuzz_input.h"
#include "util/error.h"

template <typename Read>
void read_as(Read read, const std::filesystem::path& path) {
  try {
    read(path);
  } catch (const lethe::Error&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace eval = lethe::eval;
  auto path = lethe::fuzz::write_input(data, size, "suite.jsonl");
  read_as(eval::read_qa_suite, path);
  read_as(eval::read_completion_prompts, path);
  read_as(eval::read_probability_prompts, path);
  read_as(eval::read_passages, path);
  read_as(eval::read_multiple_choice, path);
  for (const auto& task : eval::harness_task_names())
    read_as([&](const std::filesystem::path& p) { eval::import_harness_task(task, p); }, path);
  return 0;
}
