#include "tokenizer/post_processor.h"

#include <fmt/format.h>

namespace lethe::tokenizer {
namespace {

// The ids a template's {"SpecialToken": {"id": NAME}} stands for, from the special_tokens table.
std::vector<int32_t> special_token_ids(const JsonField& table, const JsonField& name_field, int32_t vocabulary_size) {
  std::string name = name_field.as_string();
  std::optional<JsonField> entry = table.find(name);
  if (!entry) name_field.fail(fmt::format("\"{}\" is not in special_tokens", name));
  JsonField ids = (*entry)["ids"];
  std::vector<int32_t> result;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    int32_t id = ids.at(i).as_id();
    if (id >= vocabulary_size) ids.at(i).fail(fmt::format("id {} is beyond the vocabulary ({} tokens)", id, vocabulary_size));
    result.push_back(id);
  }
  return result;
}

SpecialTokenFrame read_template(const JsonField& processor, int32_t vocabulary_size) {
  JsonField single = processor["single"];
  JsonField table = processor["special_tokens"];
  table.expect_object();
  SpecialTokenFrame frame;
  bool sequence_seen = false;
  for (std::size_t i = 0; i < single.size(); ++i) {
    JsonField item = single.at(i);
    if (std::optional<JsonField> special = item.find("SpecialToken")) {
      std::vector<int32_t> ids = special_token_ids(table, (*special)["id"], vocabulary_size);
      std::vector<int32_t>& side = sequence_seen ? frame.after : frame.before;
      side.insert(side.end(), ids.begin(), ids.end());
    } else if (std::optional<JsonField> sequence = item.find("Sequence")) {
      if ((*sequence)["id"].as_string() != "A") (*sequence)["id"].fail("the single template can only hold sequence A");
      if (sequence_seen) item.fail("sequence A appears twice");
      sequence_seen = true;
    } else {
      item.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
  }
  if (!sequence_seen) single.fail("the template has no sequence A");
  return frame;
}

void add_processor(const JsonField& processor, int32_t vocabulary_size, SpecialTokenFrame& frame) {
  std::string type = processor.type_name();
  if (type == "ByteLevel") return;
  if (type == "Sequence") {
    JsonField processors = processor["processors"];
    for (std::size_t i = 0; i < processors.size(); ++i) add_processor(processors.at(i), vocabulary_size, frame);
  } else if (type == "TemplateProcessing") {
    // A later template wraps what the earlier ones produced.
    SpecialTokenFrame outer = read_template(processor, vocabulary_size);
    frame.before.insert(frame.before.begin(), outer.before.begin(), outer.before.end());
    frame.after.insert(frame.after.end(), outer.after.begin(), outer.after.end());
  } else {
    processor.fail(fmt::format("unsupported post_processor type \"{}\"", type));
  }
}

}  // namespace

SpecialTokenFrame read_post_processor(const std::optional<JsonField>& field, int32_t vocabulary_size) {
  SpecialTokenFrame frame;
  if (field) add_processor(*field, vocabulary_size, frame);
  return frame;
}

}  // namespace lethe::tokenizer
