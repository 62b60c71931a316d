#pragma once
// lm-evaluation-harness's zero-shot multiple-choice tasks as lethe suite items: each document
// becomes the context, choices, gold index and target delimiter (" ") that the harness's own task
// definition gives it (lm_eval/tasks/<task>/*.yaml and their utils), so that `lethe eval` scores
// the requests the harness would make. Documents are the Hugging Face dataset's rows as JSON Lines,
// as `datasets`' to_json writes them (docs/suites.md lists each task's dataset, split and fields).
#include <filesystem>
#include <string>
#include <vector>

#include "eval/suite.h"

namespace lethe::eval {

// arc_challenge, arc_easy, boolq, hellaswag, openbookqa, piqa, winogrande.
const std::vector<std::string>& harness_task_names();

// One item per document, in file order, with ids "<task>-<n>" (n from 0). Throws lethe::Error for
// an unknown task, and, naming the file and line, for a document without the task's fields, a gold
// answer that is not one of the choices, or a choice that comes out empty.
std::vector<MultipleChoiceItem> import_harness_task(const std::string& task, const std::filesystem::path& documents);

// Items as JSON Lines in the multiple-choice schema of docs/suites.md, readable by read_multiple_choice.
std::string multiple_choice_jsonl(const std::vector<MultipleChoiceItem>& items);

}  // namespace lethe::eval
