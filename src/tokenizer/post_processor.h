#pragma once
// tokenizer.json's post_processor, reduced to what it does to the ids of one text when special
// tokens are asked for: TemplateProcessing's "single" template puts special tokens before and
// after; ByteLevel only touches offsets; Sequence chains them.
#include <cstdint>
#include <optional>
#include <vector>

#include "tokenizer/json_field.h"

namespace lethe::tokenizer {

struct SpecialTokenFrame {
  std::vector<int32_t> before;
  std::vector<int32_t> after;
};

// vocabulary_size bounds the special token ids the template may name.
SpecialTokenFrame read_post_processor(const std::optional<JsonField>& field, int32_t vocabulary_size);

}  // namespace lethe::tokenizer
