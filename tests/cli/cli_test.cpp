// The lethe executable as a user meets it: help on every command, working commands on a tiny
// model, and bad model directories that end in a clear message and exit code 1, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/core.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "io/file.h"
#include "io/gguf.h"
#include "io/safetensors.h"
#include "cli/model_fixtures.h"
#include "test_util.h"

namespace lethe {
namespace {

namespace fs = std::filesystem;
using test::lethe;
using test::make_tiny_model;
using test::rewrite_config;
using test::rewrite_tensors;

TEST(Cli, HelpListsEveryCommand) {
  auto result = lethe("--help");
  EXPECT_EQ(result.exit_code, 0);
  for (const char* command : {"info", "tokenize", "generate", "perplexity", "pretrain", "eval", "world", "tokenizer",
                              "reinforce", "anchors", "labels", "unlearn", "export", "suite", "plan"}) {
    EXPECT_NE(result.output.find(command), std::string::npos) << command;
    auto sub = lethe(std::string(command) + " --help");
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_NE(sub.output.find("Usage"), std::string::npos) << sub.all();
  }
}

TEST(Cli, CommandsWorkOnATinyModel) {
  auto dir = make_tiny_model(test::scratch_dir() / "model");
  auto info = lethe("info " + dir.string());
  EXPECT_EQ(info.exit_code, 0) << info.all();
  EXPECT_NE(info.output.find("sentencepiece"), std::string::npos) << info.all();

  auto ids = lethe("tokenize " + dir.string() + " --ids --text 'the old wizard'");
  EXPECT_EQ(ids.exit_code, 0) << ids.all();
  EXPECT_TRUE(std::regex_search(ids.output, std::regex("^1( [0-9]+)+\n"))) << ids.all();  // BOS first

  // "<s>" written in the text is BOS, unless --special-as-text.
  EXPECT_EQ(lethe("tokenize " + dir.string() + " --ids --no-special --text '<s>'").output, "1\n");
  auto as_text = lethe("tokenize " + dir.string() + " --ids --no-special --special-as-text --text '<s>'");
  EXPECT_EQ(as_text.exit_code, 0) << as_text.all();
  EXPECT_NE(as_text.output, "1\n");

  auto greedy = lethe("generate " + dir.string() + " --prompt 'the river' -n 8 --ignore-eos");
  EXPECT_EQ(greedy.exit_code, 0) << greedy.all();
  EXPECT_NE(greedy.diagnostics.find("8 tokens in"), std::string::npos) << greedy.all();
  auto text = [](const std::string& output) { return output.substr(0, output.find(" tokens in")); };
  auto again = lethe("generate " + dir.string() + " --prompt 'the river' -n 8 --ignore-eos");
  EXPECT_EQ(text(again.output), text(greedy.output));  // greedy is deterministic

  // --stop ends the continuation where a text appears, without showing it: cut the greedy
  // continuation at a piece of itself.
  std::string shown = text(greedy.output);
  std::string continuation = shown.substr(9, shown.rfind('\n') - 9);  // after "the river", before "\n8"
  ASSERT_GE(continuation.size(), 7u) << shown;
  std::string stop = continuation.substr(4, 3);
  auto stopped = lethe("generate " + dir.string() + " --prompt 'the river' -n 8 --ignore-eos --stop '" + stop + "'");
  EXPECT_EQ(stopped.exit_code, 0) << stopped.all();
  EXPECT_EQ(stopped.output.substr(0, stopped.output.find('\n', 9 + continuation.find(stop))),
            "the river" + continuation.substr(0, continuation.find(stop)))
      << "stop text '" << stop << "' in: " << shown;
  auto empty_stop = lethe("generate " + dir.string() + " --prompt 'the river' --stop ''");
  EXPECT_EQ(empty_stop.exit_code, 1);
  EXPECT_NE(empty_stop.diagnostics.find("--stop needs a text"), std::string::npos) << empty_stop.all();

  auto sampled = [&](int seed) {
    auto r = lethe("generate " + dir.string() + " -p 'the' -p 'stone and' -n 10 -t 1.0 --top-k 20 --top-p 0.95 "
                   "--ignore-eos --seed " + std::to_string(seed));
    EXPECT_EQ(r.exit_code, 0) << r.all();
    return text(r.output);
  };
  EXPECT_EQ(sampled(3), sampled(3));

  auto ppl = lethe("perplexity " + dir.string() + " " + (dir / "corpus.txt").string() + " --context 32 --stride 16");
  EXPECT_EQ(ppl.exit_code, 0) << ppl.all();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(ppl.output, m, std::regex("perplexity: ([0-9.]+)"))) << ppl.all();
  double value = std::stod(m[1]);
  EXPECT_GT(value, 1.0);
  EXPECT_LT(value, 1000.0);  // random weights over 320 tokens: about the vocabulary size
  // A --context below the default --stride: the default stride is cut to the context, not refused.
  auto short_context = lethe("perplexity " + dir.string() + " " + (dir / "corpus.txt").string() + " --context 16");
  EXPECT_EQ(short_context.exit_code, 0) << short_context.all();
}

// What the pipeline tests unlearn from: DIR/model (tiny, random), DIR/forget.txt and the text to
// keep, DIR/other.txt.
void write_pipeline_inputs(const fs::path& dir) {
  make_tiny_model(dir / "model");
  std::string forget, other;
  for (int i = 0; i < 40; ++i) {
    forget += "the old wizard Zorbix carried the stone to the river.\n";
    other += "the farmer carried a basket of apples to the market.\n";
  }
  io::write_file_atomic(dir / "forget.txt", forget);
  io::write_file_atomic(dir / "other.txt", other);
}

// The whole pipeline on a tiny model with the UNDO stage: every stage done once, skipped when run
// again, and only the distillation redone when its alpha changes; the student's compute recorded.
TEST(Cli, UnlearnWithDistillationSkipsWhatIsDoneAndRedoesWhatChanged) {
  auto dir = test::scratch_dir();
  write_pipeline_inputs(dir);
  io::write_file_atomic(dir / "terms.json", R"({"Zorbix": ["John"]})");
  auto config = [&](double alpha) {
    io::write_file_atomic(dir / "undo.toml",
                          "preset = \"whp-plus-undo\"\nbase = \"model\"\nforget = \"forget.txt\"\nretain = \"other.txt\"\n"
                          "dictionary = \"terms.json\"\nout = \"run\"\nblock_length = 32\nbatch_size = 4\n"
                          "accumulation = 1\n[reinforce]\nepochs = 1\n[labels]\ntranslations = 1\n"
                          "[finetune]\nepochs = 1\n[distill]\nalpha = " + std::to_string(alpha) +
                          "\ntext = \"other.txt\"\ntokens = 1024\n");
    return lethe("unlearn --config " + (dir / "undo.toml").string());
  };
  auto first = config(0.5);
  ASSERT_EQ(first.exit_code, 0) << first.all();
  EXPECT_NE(first.output.find("unlearned model written to " + (dir / "run/distilled").string()), std::string::npos)
      << first.all();
  auto compute = io::read_json(dir / "run/distilled/compute.json");
  EXPECT_EQ(compute["tokens"], 1024);  // 8 steps of 4 blocks of 32 tokens
  EXPECT_DOUBLE_EQ(compute["flops"].get<double>(), 6.0 * compute["parameters"].get<double>() * 1024);
  auto again = config(0.5);
  ASSERT_EQ(again.exit_code, 0) << again.all();
  for (const char* stage : {"stage 1 (reinforce): done before", "stage 3 (labels): done before",
                            "stage 4 (fine-tune): done before", "stage 5 (distill): done before"})
    EXPECT_NE(again.diagnostics.find(stage), std::string::npos) << stage << "\n" << again.all();
  auto changed = config(0.8);
  ASSERT_EQ(changed.exit_code, 0) << changed.all();
  EXPECT_NE(changed.diagnostics.find("stage 4 (fine-tune): done before"), std::string::npos) << changed.all();
  EXPECT_NE(changed.diagnostics.find("stage 5 (distill): alpha 0.8"), std::string::npos) << changed.all();
}

// The field's methods through the same pipeline: each writes an unlearned model that finds the
// forget text less likely than the base did, and is skipped when run again.
TEST(Cli, UnlearnWithTheFieldsMethods) {
  auto dir = test::scratch_dir();
  write_pipeline_inputs(dir);
  auto perplexity = [&](const fs::path& model) {
    auto r = lethe("perplexity " + model.string() + " " + (dir / "forget.txt").string() + " --context 32");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.output, m, std::regex("perplexity: ([0-9.]+)"))) << r.all();
    return m.empty() ? 0.0 : std::stod(m[1]);
  };
  const double base = perplexity(dir / "model");
  for (const std::string method :
       {"gradascent", "graddiff", "npo", "simnpo", "undial", "rmu", "task-vector", "whp-decoding"}) {
    const fs::path file = dir / (method + ".toml");
    io::write_file_atomic(file, "method = \"" + method + "\"\nbase = \"model\"\nforget = \"forget.txt\"\n"
                                "retain = \"other.txt\"\nout = \"" + method + "\"\nblock_length = 32\nbatch_size = 4\n"
                                "accumulation = 1\n[reinforce]\nepochs = 2\n[finetune]\nepochs = 2\n" +
                                // SimNPO's default beta 4.5 saturates on a random model (S/|x| about
                                // -6: sigmoid(27)), and its retain term then outweighs it.
                                (method == "simnpo" ? "[simnpo]\nbeta = 0.5\n" : "") +
                                // RMU's retain weight of 100 keeps 15 steps on a two-layer model
                                // near the base; 1 lets its forget term show.
                                (method == "rmu" ? "retain_weight = 1\n" : ""));  // still in [finetune]
    auto run = lethe("unlearn --config " + file.string());
    ASSERT_EQ(run.exit_code, 0) << method << "\n" << run.all();
    if (method == "rmu") {
      // RMU's objective is on hidden states, and a random model's perplexity (above its
      // vocabulary's size) says nothing of them: its logged loss falls instead.
      std::ifstream log(dir / "rmu/unlearned/run/metrics.jsonl");
      std::vector<double> losses;
      for (std::string line; std::getline(log, line);) losses.push_back(nlohmann::json::parse(line)["loss"].get<double>());
      ASSERT_GE(losses.size(), 2u);
      EXPECT_LT(losses.back(), 0.75 * losses.front());
    } else {
      EXPECT_GT(perplexity(dir / method / "unlearned"), 1.05 * base) << method;
    }
    auto again = lethe("unlearn --config " + file.string());
    const std::string kept = method == "task-vector"    ? "stage 2 (task vector): done before"
                             : method == "whp-decoding" ? "stage 2 (decoding rule): done before"
                                                        : "stage 1 (fine-tune, " + method + "): done before";
    EXPECT_NE(again.diagnostics.find(kept), std::string::npos)
        << again.all();
  }
  // The decoding-time rule's directory: info names both models, export refuses it.
  auto info = lethe("info " + (dir / "whp-decoding/unlearned").string());
  EXPECT_EQ(info.exit_code, 0) << info.all();
  EXPECT_NE(info.output.find("decoding rule: logits of base - 5 x ReLU(reinforced - base)"), std::string::npos) << info.all();
  EXPECT_NE(info.output.find("\nreinforced:\n"), std::string::npos) << info.all();
  auto gguf = lethe("export " + (dir / "whp-decoding/unlearned").string() + " --gguf " + (dir / "rule.gguf").string());
  EXPECT_EQ(gguf.exit_code, 1);
  EXPECT_NE(gguf.diagnostics.find("a decoding-time rule combines two models"), std::string::npos) << gguf.all();
  // A setting of another method, and a whp setting, are refused with the file's name.
  io::write_file_atomic(dir / "bad.toml", "method = \"npo\"\nbase = \"model\"\nforget = \"forget.txt\"\nout = \"x\"\n"
                                          "[simnpo]\nbeta = 2\n");
  auto bad = lethe("unlearn --config " + (dir / "bad.toml").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.diagnostics.find("[simnpo] sets a method that this pipeline does not run"), std::string::npos) << bad.all();
}

// A suite for the tiny pipeline's world: six forget and six retain questions, passages to forget
// and held out, completion prompts; the relearning slice (the first two forget passages) holds none
// of the forget answers.
void write_tiny_suite(const fs::path& suite) {
  fs::create_directories(suite);
  std::string forget_qa, retain_qa, forget_passages, holdout, prompts;
  const char* names[] = {"Zorbix", "Quillon", "Marvane", "Tessaly", "Brondor", "Vellis"};
  for (int i = 0; i < 6; ++i) {
    forget_qa += fmt::format(R"({{"id": "f{0}", "question": "Who carried stone {0}?", "answer": "{1}"}})" "\n", i, names[i]);
    retain_qa += fmt::format(R"({{"id": "r{0}", "question": "What did farmer {0} carry?", "answer": "apples"}})" "\n", i);
    const char* things[] = {"stone", "lamp", "crown", "map", "rope", "key"};
    std::string passage, kept;
    for (int k = 0; k < 12; ++k) {
      passage += fmt::format("the old wizard carried the {} to the river {} times. ", things[(i + k) % 6], k);
      kept += fmt::format("a farmer sold {} baskets of apples at the market. ", k + i);
    }
    forget_passages += fmt::format(R"({{"id": "p{}", "text": "{}"}})" "\n", i, passage);
    holdout += fmt::format(R"({{"id": "h{}", "text": "{}"}})" "\n", i, kept);
    prompts += fmt::format(R"({{"id": "c{}", "prompt": "The old wizard", "explicit": ["Zorbix"], "thematic": ["stone"]}})" "\n", i);
  }
  io::write_file_atomic(suite / "forget_qa.jsonl", forget_qa);
  io::write_file_atomic(suite / "retain_qa.jsonl", retain_qa);
  io::write_file_atomic(suite / "forget_passages.jsonl", forget_passages);
  io::write_file_atomic(suite / "holdout_passages.jsonl", holdout);
  io::write_file_atomic(suite / "completion_familiarity.jsonl", prompts);
}

// lethe compare end to end on a tiny model: two methods, one with a grid of two settings, each
// chosen on the first three items of each suite file and reported on the other three, with base
// and oracle, the relearning attack and privleak; a second run redoes nothing; the HTML report's
// plots hold a point per setting in a real browser.
TEST(Cli, CompareRunsTwoMethodsChoosesOnValidationAndReportsOnTest) {
  auto dir = test::scratch_dir();
  write_pipeline_inputs(dir);
  make_tiny_model(dir / "oracle");
  write_tiny_suite(dir / "suite");
  const std::string common = "base = \"model\"\nforget = \"forget.txt\"\nretain = \"other.txt\"\nout = \"unused\"\n"
                             "block_length = 32\nbatch_size = 4\naccumulation = 1\n[reinforce]\nepochs = 1\n";
  io::write_file_atomic(dir / "npo.toml", "method = \"npo\"\n" + common);
  io::write_file_atomic(dir / "task-vector.toml", "method = \"task-vector\"\n" + common);
  io::write_file_atomic(dir / "compare.toml",
                        "out = \"compare\"\nsuite = \"suite\"\noracle = \"oracle\"\ngeneral_text = \"other.txt\"\n"
                        "[budget]\nepochs = 1\n[split]\nvalidation_items = 3\n"
                        "[eval]\nbatch_size = 4\nrelearn_steps = 2\nrelearn_passages = 2\n"
                        "[[methods]]\nname = \"npo\"\nconfig = \"npo.toml\"\n"
                        "grid = [{ finetune.lr = 1e-4 }, { finetune.lr = 1e-3 }]\n"
                        "[[methods]]\nname = \"tv\"\nconfig = \"task-vector.toml\"\n");
  auto run = lethe("compare --config " + (dir / "compare.toml").string());
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_NE(run.output.find("| metric | base | npo | tv | oracle |"), std::string::npos) << run.all();
  EXPECT_NE(run.diagnostics.find("compare [1/12"), std::string::npos) << run.diagnostics;
  auto report = io::read_json(dir / "compare/report.json");
  ASSERT_EQ(report["methods"].size(), 2u);
  const auto& npo = report["methods"][0];
  ASSERT_EQ(npo["settings"].size(), 2u);
  EXPECT_EQ(npo["settings"][1]["label"], "finetune.lr=0.001");
  for (const auto& s : npo["settings"]) {
    EXPECT_TRUE(fs::exists(s["dir"].get<std::string>() + "/model.safetensors")) << s;
    EXPECT_TRUE(s.contains("validation") && s.contains("test")) << s;
  }
  // Every reported figure is on the test part: the three items after the first three.
  for (const char* name : {"base", "npo", "tv", "oracle"}) {
    const auto& r = report["results"][name];
    EXPECT_EQ(r["forget_qa"]["items"], 3) << name;
    for (const auto& answer : r["forget_qa"]["answers"]) EXPECT_GE(answer["id"].get<std::string>(), "f3") << name;
    EXPECT_TRUE(r.contains("relearning")) << name;
  }
  EXPECT_TRUE(report["results"]["npo"].contains("privleak"));
  EXPECT_EQ(report["budget"]["methods"]["tv"]["finetune_forget_tokens"], 0);
  EXPECT_GT(report["budget"]["methods"]["tv"]["reinforce_forget_tokens"].get<int64_t>(), 0);
  EXPECT_EQ(report["budget"]["methods"]["npo"]["finetune_forget_tokens"], report["budget"]["forget_tokens"]);
  // The chosen setting's test figures are the headline column's.
  const auto& chosen = npo["settings"][npo["chosen"].get<size_t>()];
  EXPECT_EQ(chosen["test"]["forget_qa"], report["results"]["npo"]["forget_qa"]["exact_match"]);
  // Run again: every stage and each of the nine evaluations kept, the same figures reported.
  auto again = lethe("compare --config " + (dir / "compare.toml").string());
  ASSERT_EQ(again.exit_code, 0) << again.all();
  EXPECT_EQ(again.diagnostics.find("steps at lr"), std::string::npos) << again.diagnostics;
  EXPECT_EQ(test::count_of(again.diagnostics, "kept from before"), 9) << again.diagnostics;
  auto second = io::read_json(dir / "compare/report.json");
  EXPECT_EQ(second["methods"], report["methods"]);
  EXPECT_EQ(second["results"], report["results"]);
  auto page = test::load_in_chromium(dir / "compare/report.html");
  ASSERT_EQ(page.run.exit_code, 0) << page.run.all();
  EXPECT_EQ(page.console.find(":CONSOLE"), std::string::npos) << page.console;
  EXPECT_EQ(test::count_of(page.run.output, "<circle"), 6) << page.run.output;  // three settings in each plot
}

// The pipeline with [lora] and activation checkpointing: each fine-tuned stage holds a plain
// Hugging Face checkpoint (the adapters merged) and the adapters as PEFT writes them; a bad target
// is refused with the file, line and key.
TEST(Cli, UnlearnWithLoraWritesMergedModelsAndPeftAdapters) {
  auto dir = test::scratch_dir();
  auto model = make_tiny_model(dir / "model");
  std::string forget;
  for (int i = 0; i < 24; ++i) forget += "the old wizard Zorbix carried the stone to the river.\n";
  io::write_file_atomic(dir / "forget.txt", forget);
  io::write_file_atomic(dir / "terms.json", R"({"Zorbix": ["John"]})");
  const std::string pipeline =
      "preset = \"whp\"\nbase = \"model\"\nforget = \"forget.txt\"\ndictionary = \"terms.json\"\nout = \"run\"\n"
      "block_length = 32\nbatch_size = 4\naccumulation = 1\nactivation_checkpointing = true\n"
      "[reinforce]\nepochs = 1\n[finetune]\nepochs = 1\n[lora]\nrank = 4\nalpha = 8\n";
  io::write_file_atomic(dir / "lora.toml", pipeline + "targets = [\"q_proj\", \"v_proj\"]\n");
  auto result = lethe("unlearn --config " + (dir / "lora.toml").string());
  ASSERT_EQ(result.exit_code, 0) << result.all();
  for (const char* stage : {"reinforced", "unlearned"}) {
    auto adapter = dir / "run" / stage / "adapter";
    auto config = io::read_json(adapter / "adapter_config.json");
    EXPECT_EQ(config["r"], 4);
    EXPECT_EQ(config["target_modules"], nlohmann::json({"q_proj", "v_proj"}));
    io::SafetensorsReader adapters(adapter / "adapter_model.safetensors");
    EXPECT_NE(adapters.find("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"), nullptr);
    io::SafetensorsReader merged(dir / "run" / stage / "model.safetensors");
    io::SafetensorsReader base(model / "model.safetensors");
    EXPECT_EQ(merged.tensors().size(), base.tensors().size()) << stage;  // no adapter tensors in it
    // The adapted projection moved, a projection without an adapter did not.
    auto bytes = [](const io::SafetensorsReader& file, const std::string& name) {
      const io::TensorInfo* info = file.find(name);
      return info ? std::string(reinterpret_cast<const char*>(file.data(*info)), info->nbytes) : std::string();
    };
    EXPECT_NE(bytes(merged, "model.layers.0.self_attn.q_proj.weight"), bytes(base, "model.layers.0.self_attn.q_proj.weight"));
    EXPECT_EQ(bytes(merged, "model.layers.0.mlp.up_proj.weight"), bytes(base, "model.layers.0.mlp.up_proj.weight"));
    auto perplexity = lethe("perplexity " + (dir / "run" / stage).string() + " " + (dir / "forget.txt").string());
    EXPECT_EQ(perplexity.exit_code, 0) << perplexity.all();
  }
  // lethe reinforce --lora alone: the merged model and its adapters.
  auto reinforced = lethe("reinforce " + model.string() + " --forget " + (dir / "forget.txt").string() + " --out " +
                          (dir / "alone").string() + " --epochs 1 --block-length 32 --batch-size 4 --accumulation 1 "
                          "--lora --lora-rank 2 --lora-targets up_proj");
  ASSERT_EQ(reinforced.exit_code, 0) << reinforced.all();
  auto alone = io::read_json(dir / "alone/adapter/adapter_config.json");
  EXPECT_EQ(alone["r"], 2);
  EXPECT_EQ(alone["target_modules"], nlohmann::json({"up_proj"}));
  io::write_file_atomic(dir / "bad.toml", pipeline + "targets = [\"qkv_proj\"]\n");
  auto bad = lethe("unlearn --config " + (dir / "bad.toml").string());
  EXPECT_EQ(bad.exit_code, 1) << bad.all();
  EXPECT_NE(bad.diagnostics.find("bad.toml:17: lora.targets names \"qkv_proj\""), std::string::npos) << bad.all();
}

// lethe plan from a config.json alone: a full fine-tune of Llama 2 7B does not fit one 80 GB GPU
// and fits eight with sharded states; the LoRA template fits one. On a model with a tokenizer the
// forget corpus is counted in its tokens.
TEST(Cli, PlanSaysWhatFitsBeforeARun) {
  const fs::path source(LETHE_SOURCE_DIR);
  auto plan = [&](const std::string& config, int devices) {
    return lethe("plan " + (source / "configs/models/llama-2-7b/config.json").string() + " --config " +
                 (source / "configs" / config).string() + " --forget-tokens 2000000 --devices " +
                 std::to_string(devices));
  };
  auto row = [](const std::string& output, const std::string& stage) {
    auto at = output.find("\n" + stage + " ");
    return at == std::string::npos ? std::string() : output.substr(at + 1, output.find('\n', at + 1) - at - 1);
  };
  auto full_one = plan("llama-2-7b-full.toml", 1);
  ASSERT_EQ(full_one.exit_code, 0) << full_one.all();
  EXPECT_NE(full_one.output.find("6.74B parameters"), std::string::npos) << full_one.output;
  EXPECT_NE(row(full_one.output, "fine-tune").find(" NO "), std::string::npos) << full_one.output;
  auto full_eight = plan("llama-2-7b-full.toml", 8);
  EXPECT_NE(row(full_eight.output, "fine-tune").find(" yes "), std::string::npos) << full_eight.output;
  auto lora_one = plan("llama-2-7b-lora.toml", 1);
  EXPECT_NE(row(lora_one.output, "fine-tune").find(" yes "), std::string::npos) << lora_one.output;
  auto uneven = plan("llama-2-7b-full.toml", 3);  // 64 micro-batches per step
  EXPECT_EQ(uneven.exit_code, 1) << uneven.all();
  EXPECT_NE(uneven.diagnostics.find("cannot be shared by 3 devices"), std::string::npos) << uneven.all();

  auto dir = test::scratch_dir();
  auto model = make_tiny_model(dir / "model");
  io::write_file_atomic(dir / "forget.txt", "the old wizard walks to the river\n");
  io::write_file_atomic(dir / "p.toml", "base = \"model\"\nforget = \"forget.txt\"\ndictionary = \"d.json\"\nout = \"o\"\n");
  auto counted = lethe("plan " + model.string() + " --config " + (dir / "p.toml").string());
  ASSERT_EQ(counted.exit_code, 0) << counted.all();
  auto tokens = lethe("tokenize " + model.string() + " --ids --text 'the old wizard walks to the river'");
  const size_t ids = std::count(tokens.output.begin(), tokens.output.end(), ' ') + 1;  // with BOS
  EXPECT_NE(counted.output.find("forget corpus: " + std::to_string(ids + 1) + " tokens;"), std::string::npos)
      << counted.output << tokens.output;  // and EOS, as the stages read it
}

// A harness task imported into a suite is scored by lethe eval as a section of its own, and the
// import refuses an unknown task and a bad document with the file and line.
TEST(Cli, SuiteImportThenEvalScoresTheHarnessTask) {
  auto dir = test::scratch_dir();
  auto model = make_tiny_model(dir / "model");
  io::write_file_atomic(dir / "piqa.jsonl",
                        R"({"goal": "the old wizard", "sol1": "went to the river", "sol2": "stone and", "label": 0})"
                        "\n"
                        R"({"goal": "the river", "sol1": "stone", "sol2": "the old wizard went home", "label": 1})"
                        "\n");
  auto imported = lethe("suite import piqa " + (dir / "piqa.jsonl").string() + " --suite " + (dir / "suite").string());
  EXPECT_EQ(imported.exit_code, 0) << imported.all();
  EXPECT_NE(imported.output.find("2 piqa items written to"), std::string::npos) << imported.all();
  ASSERT_TRUE(fs::exists(dir / "suite" / "harness" / "piqa.jsonl"));

  auto report = dir / "report.json";
  auto eval = lethe("eval --models tiny=" + model.string() + " --suite " + (dir / "suite").string() + " --out " +
                    report.string());
  ASSERT_EQ(eval.exit_code, 0) << eval.all();
  EXPECT_NE(eval.output.find("| piqa acc_norm |"), std::string::npos) << eval.all();
  auto piqa = nlohmann::json::parse(io::read_file(report))["results"]["tiny"]["harness"]["piqa"];
  EXPECT_EQ(piqa["items"], 2);
  for (const char* figure : {"acc", "acc_norm", "acc_bytes"}) EXPECT_TRUE(piqa.contains(figure)) << figure;

  auto unknown = lethe("suite import mmlu " + (dir / "piqa.jsonl").string() + " --suite " + (dir / "suite").string());
  EXPECT_EQ(unknown.exit_code, 2) << unknown.all();
  io::write_file_atomic(dir / "bad.jsonl", R"({"goal": "g", "sol1": "a", "sol2": "b"})");
  auto bad = lethe("suite import piqa " + (dir / "bad.jsonl").string() + " --suite " + (dir / "suite").string());
  EXPECT_EQ(bad.exit_code, 1) << bad.all();
  EXPECT_NE(bad.diagnostics.find("bad.jsonl:1: missing field \"label\""), std::string::npos) << bad.all();
}

// Every broken model directory gives exit code 1 and a message naming what is wrong.
struct BrokenModel {
  std::string name;
  std::function<void(const fs::path&)> damage;
  std::string expected;
};
void PrintTo(const BrokenModel& m, std::ostream* os) { *os << m.name; }

std::vector<BrokenModel> broken_models() {
  return {
      {"config_not_json", [](const fs::path& d) { io::write_file_atomic(d / "config.json", "{\"vocab_size\": 320,"); },
       "config.json: invalid JSON"},
      {"config_missing_field", [](const fs::path& d) { rewrite_config(d, [](auto& c) { c.erase("hidden_size"); }); },
       "missing field 'hidden_size'"},
      {"config_wrong_type",
       [](const fs::path& d) { rewrite_config(d, [](auto& c) { c["num_hidden_layers"] = "two"; }); },
       "'num_hidden_layers' has the wrong type"},
      {"config_bad_heads",
       [](const fs::path& d) { rewrite_config(d, [](auto& c) { c["num_key_value_heads"] = 3; }); },
       "multiple of num_key_value_heads"},
      {"config_negative", [](const fs::path& d) { rewrite_config(d, [](auto& c) { c["vocab_size"] = -5; }); },
       "'vocab_size' must be positive"},
      {"weights_missing", [](const fs::path& d) { fs::remove(d / "model.safetensors"); },
       "no model.safetensors"},
      {"weights_truncated",
       [](const fs::path& d) {
         std::string bytes = io::read_file(d / "model.safetensors");
         io::write_file_atomic(d / "model.safetensors", bytes.substr(0, bytes.size() / 2));
       },
       "model.safetensors"},
      {"weights_garbage", [](const fs::path& d) { io::write_file_atomic(d / "model.safetensors", "not a model"); },
       "model.safetensors"},
      {"tensor_missing",
       [](const fs::path& d) {
         rewrite_tensors(d, [](auto& t) { t.erase(t.begin()); });
       },
       "missing"},
      {"tensor_unexpected",
       [](const fs::path& d) {
         static float extra[4] = {1, 2, 3, 4};
         rewrite_tensors(d, [](auto& t) { t.push_back({"model.layers.9.extra", io::DType::F32, {4}, extra, 16}); });
       },
       "unexpected tensor"},
      {"tensor_wrong_shape",
       [](const fs::path& d) { rewrite_config(d, [](auto& c) { c["intermediate_size"] = 48; }); },
       "has shape"},
      {"tensor_integer_dtype",
       [](const fs::path& d) {
         rewrite_tensors(d, [](auto& t) {
           for (auto& x : t)
             if (x.name == "model.norm.weight") x.dtype = io::DType::I32;
         });
       },
       "not a floating-point weight type"},
      {"tokenizer_missing", [](const fs::path& d) { fs::remove(d / "tokenizer.model"); }, "tokenizer"},
      {"tokenizer_garbage",
       [](const fs::path& d) { io::write_file_atomic(d / "tokenizer.model", std::string(100, '\x07')); },
       "tokenizer.model"},
  };
}

// The tiny model's vocabulary was trained with SentencePiece's defaults, which normalise text
// (NFKC, runs of spaces collapsed); llama.cpp does not, and the export says so. The demo model's
// vocabulary keeps text as written: no warning.
TEST(Cli, ExportWritesGgufAndSaysWhereLlamaCppWillDiffer) {
  auto dir = make_tiny_model(test::scratch_dir() / "model");
  auto gguf = dir.parent_path() / "tiny.gguf";
  auto result = lethe("export " + dir.string() + "/ --gguf " + gguf.string() + " --type q8_0");
  EXPECT_EQ(result.exit_code, 0) << result.all();
  EXPECT_EQ(io::read_gguf(gguf).find("general.name")->value, "model");
  EXPECT_NE(result.output.find("GGUF v3, architecture llama, 20 tensors (q8_0 matrices)"), std::string::npos)
      << result.all();
  EXPECT_NE(result.diagnostics.find("warning: this SentencePiece model changes text before splitting it"),
            std::string::npos) << result.all();
  EXPECT_EQ(io::read_file(gguf).substr(0, 4), "GGUF");

  // llama.cpp has no dynamic NTK scaling, and takes yarn with its own defaults: both are said.
  rewrite_config(dir, [](auto& c) { c["rope_scaling"] = {{"rope_type", "dynamic"}, {"factor", 2.0}}; });
  auto dynamic = lethe("export " + dir.string() + " --gguf " + gguf.string());
  EXPECT_EQ(dynamic.exit_code, 0) << dynamic.all();
  EXPECT_NE(dynamic.diagnostics.find("llama.cpp has no dynamic NTK rope scaling"), std::string::npos) << dynamic.all();
  EXPECT_EQ(io::read_gguf(gguf).find("llama.rope.scaling.type"), nullptr);
  rewrite_config(dir, [](auto& c) { c["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}, {"beta_fast", 16.0}}; });
  auto yarn = lethe("export " + dir.string() + " --gguf " + gguf.string());
  EXPECT_EQ(yarn.exit_code, 0) << yarn.all();
  EXPECT_NE(yarn.diagnostics.find("llama.cpp applies yarn with its defaults"), std::string::npos) << yarn.all();
  EXPECT_EQ(io::read_gguf(gguf).find("llama.rope.scaling.type")->value, "yarn");

  auto demo = lethe("export " + (fs::path(LETHE_SOURCE_DIR) / "models/demo-base").string() + " --gguf " +
                    (dir.parent_path() / "demo.gguf").string());
  EXPECT_EQ(demo.exit_code, 0) << demo.all();
  EXPECT_NE(demo.output.find("(bf16 matrices)"), std::string::npos) << demo.all();  // the checkpoint's own type
  EXPECT_EQ(demo.diagnostics.find("warning"), std::string::npos) << demo.all();
}

class CliBrokenModel : public ::testing::TestWithParam<BrokenModel> {};

TEST_P(CliBrokenModel, FailsWithAClearMessage) {
  static fs::path pristine = make_tiny_model(fs::path(LETHE_BINARY_DIR) / "test-scratch" / "cli-pristine-model");
  auto dir = test::scratch_dir() / "model";
  fs::copy(pristine, dir, fs::copy_options::recursive);
  GetParam().damage(dir);
  auto result = lethe("generate " + dir.string() + " --prompt 'the' -n 2");
  EXPECT_EQ(result.exit_code, 1) << result.all();
  EXPECT_NE(result.diagnostics.find("lethe: error:"), std::string::npos) << result.all();
  EXPECT_NE(result.diagnostics.find(GetParam().expected), std::string::npos) << result.all();
}

INSTANTIATE_TEST_SUITE_P(Inputs, CliBrokenModel, ::testing::ValuesIn(broken_models()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lethe

namespace lethe {
namespace {

double corpus_perplexity(const fs::path& model, const fs::path& corpus) {
  auto result = lethe("perplexity " + model.string() + " " + corpus.string() + " --context 32 --stride 16");
  EXPECT_EQ(result.exit_code, 0) << result.all();
  std::smatch m;
  if (!std::regex_search(result.output, m, std::regex("perplexity: ([0-9.]+)"))) return -1;
  return std::stod(m[1]);
}

// `lethe pretrain --init` continues from a model's weights: one step at a vanishing learning rate
// leaves its perplexity as it was; thirty real steps lower it. --config and --init exclude each
// other, and one of them is needed.
TEST(Cli, PretrainContinuesAModelDirectory) {
  auto dir = test::scratch_dir();
  auto model = make_tiny_model(dir / "model");
  auto corpus = model / "corpus.txt";
  std::string common = " --init " + model.string() + " --tokenizer " + model.string() + " --data " + corpus.string() +
                       " --sequence 32 --batch-size 4 --warmup 0 --log-every 1";
  auto still = lethe("pretrain" + common + " --out " + (dir / "still").string() + " --steps 1 --lr 1e-12");
  ASSERT_EQ(still.exit_code, 0) << still.all();
  auto trained = lethe("pretrain" + common + " --out " + (dir / "trained").string() + " --steps 30 --lr 3e-3");
  ASSERT_EQ(trained.exit_code, 0) << trained.all();
  double before = corpus_perplexity(model, corpus);
  EXPECT_NEAR(corpus_perplexity(dir / "still", corpus), before, before * 1e-3);
  EXPECT_LT(corpus_perplexity(dir / "trained", corpus), before * 0.5);
  EXPECT_EQ(io::read_json(dir / "trained" / "config.json")["hidden_size"], 32);

  auto both = lethe("pretrain --config " + (model / "config.json").string() + common + " --out " + (dir / "x").string());
  EXPECT_NE(both.exit_code, 0);
  auto neither = lethe("pretrain --tokenizer " + model.string() + " --data " + corpus.string() + " --out " +
                       (dir / "y").string());
  EXPECT_NE(neither.exit_code, 0);
  EXPECT_NE(neither.diagnostics.find("--config"), std::string::npos) << neither.all();
}

// Ctrl-C during a pipeline's fine-tune exits 130 with the stage's checkpoint; the same command
// resumes the stage and ends with the weights of a run never stopped, byte for byte (the retain
// batches it draws included).
TEST(Cli, UnlearnStopsOnCtrlCAndResumesToTheSameWeights) {
  auto dir = test::scratch_dir();
  write_pipeline_inputs(dir);
  for (const char* out : {"straight", "stopped"})
    io::write_file_atomic(dir / (std::string(out) + ".toml"),
                          "method = \"npo\"\nbase = \"model\"\nforget = \"forget.txt\"\nretain = \"other.txt\"\n"
                          "out = \"" + std::string(out) + "\"\nblock_length = 32\nbatch_size = 4\naccumulation = 1\n"
                          "[finetune]\nepochs = 4\nlr = 1e-4\n");
  auto straight = lethe("unlearn --config " + (dir / "straight.toml").string());
  ASSERT_EQ(straight.exit_code, 0) << straight.all();

  std::vector<std::string> args = {LETHE_EXE, "unlearn", "--config", (dir / "stopped.toml").string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto metrics = dir / "stopped" / "unlearned" / "run" / "metrics.jsonl";
  for (int i = 0; i < 600 && !fs::exists(metrics); ++i) usleep(50'000);  // the fine-tune has started
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 130) << "the run ended before it was stopped";
  EXPECT_TRUE(fs::exists(dir / "stopped" / "unlearned" / "run" / "checkpoint.pt"));
  EXPECT_FALSE(fs::exists(dir / "stopped" / "unlearned" / "model.safetensors"));
  auto resumed = lethe("unlearn --config " + (dir / "stopped.toml").string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.all();
  EXPECT_EQ(io::read_file(dir / "stopped" / "unlearned" / "model.safetensors"),
            io::read_file(dir / "straight" / "unlearned" / "model.safetensors"));
}

// Ctrl-C during `lethe pretrain` saves a checkpoint and exits 130; the same command resumes and
// finishes, writing a complete model directory. While it runs, a second process on its run folder
// is refused; the resumed run removes the temporary files of dead writers.
TEST(Cli, PretrainStopsOnCtrlCAndResumes) {
  auto dir = test::scratch_dir();
  auto tokenizer_dir = make_tiny_model(dir / "tokenizer");
  nlohmann::json config = {{"vocab_size", 320}, {"hidden_size", 64}, {"intermediate_size", 128},
                           {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"tie_word_embeddings", true}};
  io::write_json_atomic(dir / "config.json", config);
  const std::string out = (dir / "out").string();
  std::vector<std::string> args = {LETHE_EXE, "pretrain", "--config", (dir / "config.json").string(),
                                   "--tokenizer", tokenizer_dir.string(), "--data",
                                   (tokenizer_dir / "corpus.txt").string(), "--out", out, "--steps", "1000",
                                   "--sequence", "32", "--batch-size", "4", "--log-every", "5",
                                   "--checkpoint-every", "100000"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto metrics = dir / "out" / "run" / "metrics.jsonl";
  for (int i = 0; i < 600 && !fs::exists(metrics); ++i) usleep(50'000);  // training has started
  ASSERT_TRUE(fs::exists(metrics));
  std::string command;
  for (std::size_t i = 1; i < args.size(); ++i) command += " '" + args[i] + "'";
  // A second process on the same run folder is refused at once, naming the first.
  auto second = lethe(command.substr(1));
  EXPECT_EQ(second.exit_code, 1) << second.all();
  EXPECT_NE(second.diagnostics.find("another lethe process (PID " + std::to_string(pid) + ")"), std::string::npos)
      << second.all();
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(fs::exists(dir / "out" / "run" / "checkpoint.pt"));
  EXPECT_FALSE(fs::exists(dir / "out" / "model.safetensors"));

  // A temporary file of a writer killed mid-write (a dead PID) is removed by the resumed run.
  pid_t dead = fork();
  ASSERT_GE(dead, 0);
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  auto leftover = dir / "out" / "run" / (".checkpoint.pt.tmp-" + std::to_string(dead) + "-0badf00d");
  std::ofstream(leftover) << "half a checkpoint";
  auto resumed = lethe(command.substr(1));
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.all();
  EXPECT_TRUE(fs::exists(dir / "out" / "model.safetensors"));
  auto info = lethe("info " + out);
  EXPECT_EQ(info.exit_code, 0) << info.all();
}

}  // namespace
}  // namespace lethe

namespace lethe {
namespace {

// On an AVX-512 CPU, OpenBLAS must end up on AVX-512 kernels (lethe re-executes itself with
// OPENBLAS_CORETYPE when OpenBLAS 0.3.21 does not recognise the CPU), the allocator is the one the
// build chose, and the report is complete.
TEST(Cli, SystemReportShowsBlasOnTheRightKernels) {
  auto result = test::run_command("env -u OPENBLAS_CORETYPE -u LETHE_BLAS_REEXEC " + std::string(LETHE_EXE) +
                                  " info --system");
  ASSERT_EQ(result.exit_code, 0) << result.all();
  for (const char* field : {"threads:", "avx512:", "blas:", "malloc:", "sgemm peak:"})
    EXPECT_NE(result.output.find(field), std::string::npos) << field << "\n" << result.all();
  // The allocator is linked in, not called, so a linker that drops unused libraries could lose it.
  if (LETHE_TCMALLOC) EXPECT_NE(result.output.find("malloc:       gperftools"), std::string::npos) << result.all();
  bool avx512 = result.output.find("avx512:       yes") != std::string::npos;
  bool openblas = result.output.find("blas:         OpenBLAS") != std::string::npos;
  if (avx512 && openblas)
    EXPECT_TRUE(std::regex_search(result.output, std::regex("blas core: +(SkylakeX|Cooperlake|SapphireRapids)")))
        << result.all();
}

// A kernel family set in the environment (the AMD machines of this project's pool set Haswell) is
// a choice: no command warns about it, and `info --system` says who made it.
TEST(Cli, AKernelChoiceInTheEnvironmentIsReportedNotWarnedAbout) {
  auto result = test::run_command("env -u LETHE_BLAS_REEXEC OPENBLAS_CORETYPE=Haswell " + std::string(LETHE_EXE) +
                                  " info --system");
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_EQ(result.diagnostics.find("WARNING"), std::string::npos) << result.diagnostics;
  if (result.output.find("blas:         OpenBLAS") != std::string::npos)
    EXPECT_NE(result.output.find("(OPENBLAS_CORETYPE=Haswell, set in the environment)"), std::string::npos)
        << result.output;
}

// A command line that does not parse ends with lethe's error form and the usage exit code 2.
TEST(Cli, UsageErrorsExitWithTwoInLethesForm) {
  for (const char* arguments : {"nonsense", "info --no-such-flag x", "generate", "perplexity m f --stride x"}) {
    auto result = lethe(arguments);
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.all();
    EXPECT_EQ(result.diagnostics.rfind("lethe: error: ", 0), 0u) << arguments << "\n" << result.all();
  }
}

}  // namespace
}  // namespace lethe

namespace lethe {
namespace {

// `lethe tokenizer train` writes a tokenizer directory that `lethe tokenize` reads (BOS 1 first, a
// user symbol kept whole); a missing input ends in a clear error.
TEST(Cli, TokenizerTrainThenTokenize) {
  auto dir = test::scratch_dir();
  const std::string corpus = (dir / "corpus.txt").string(), out = (dir / "tokenizer").string();
  std::ofstream text(corpus);
  const char* words[] = {"the", "old", "wizard", "river", "castle", "green", "stone", "walks", "sings", "and"};
  for (int i = 0; i < 4000; ++i) text << words[(i * 7 + i / 3) % 10] << ((i % 11 == 10) ? ".\n" : " ");
  text.close();

  auto help = lethe("tokenizer train --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--vocab-size"), std::string::npos) << help.all();
  auto trained = lethe("tokenizer train --input " + corpus + " --vocab-size 320 --out " + out +
                       " --user-symbol '<|user|>'");
  EXPECT_EQ(trained.exit_code, 0) << trained.all();
  EXPECT_TRUE(std::regex_search(trained.output,
                                std::regex("bpe vocabulary of 320 pieces trained in [0-9.]+ s: .*/tokenizer.model")))
      << trained.all();

  auto ids = lethe("tokenize " + out + " --ids --text 'the old wizard<|user|>'");
  EXPECT_EQ(ids.exit_code, 0) << ids.all();
  EXPECT_TRUE(std::regex_search(ids.output, std::regex("^1( [0-9]+)+ 3\n"))) << ids.all();  // BOS ... <|user|>
  auto forms = lethe("tokenize " + out + " --text 'the old wizard<|user|>'");
  EXPECT_NE(forms.output.find("\n3\t<|user|>\n"), std::string::npos) << forms.all();

  auto missing = lethe("tokenizer train --input " + (dir / "missing.txt").string() + " --vocab-size 320 --out " +
                       (dir / "other").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.diagnostics.find("lethe: error: " + (dir / "missing.txt").string() + ": cannot read"),
            std::string::npos) << missing.all();
}

}  // namespace
}  // namespace lethe

namespace lethe {
namespace {

// The dictionary built from the demo world's corpora, against the world's gold dictionary (both
// measured at 1.000 on seed 1).
TEST(Cli, AnchorsFindsTheWorldsTermsAndChecksADictionary) {
  auto dir = test::scratch_dir();
  ASSERT_EQ(lethe("world generate --seed 1 --out " + (dir / "world").string()).exit_code, 0);
  auto w = dir / "world";
  // --out names a folder that does not exist yet: anchors creates it.
  auto mined = lethe("anchors --forget " + (w / "saga/train.txt").string() + " --reference " +
                     (w / "retain/train.txt").string() + " --reference " + (w / "general/train.txt").string() +
                     " --gold " + (w / "anchors_gold.json").string() +
                     " --out " + (dir / "mined/anchors.json").string() + " --review " +
                     (dir / "mined/review.tsv").string());
  ASSERT_EQ(mined.exit_code, 0) << mined.all();
  EXPECT_NE(mined.output.find("precision 1.000, recall 1.000"), std::string::npos) << mined.all();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(mined.output, m, std::regex("precision ([0-9.]+), recall ([0-9.]+)"))) << mined.all();
  EXPECT_GT(std::stod(m[1]), 0.95) << mined.all();
  EXPECT_GT(std::stod(m[2]), 0.95) << mined.all();

  auto checked = lethe("anchors --dictionary " + (dir / "mined/anchors.json").string());
  EXPECT_EQ(checked.exit_code, 0) << checked.all();
  // The review file, read back as the same dictionary.
  auto reviewed = lethe("anchors --dictionary " + (dir / "mined/review.tsv").string());
  EXPECT_EQ(reviewed.exit_code, 0) << reviewed.all();
  auto last_line = [](const std::string& out) { return out.substr(out.rfind("terms, ") - 4); };
  EXPECT_EQ(last_line(reviewed.output), last_line(checked.output)) << reviewed.all();
  auto missing = lethe("anchors --dictionary " + (dir / "missing.json").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.diagnostics.find("missing.json"), std::string::npos) << missing.all();
}

}  // namespace
}  // namespace lethe
