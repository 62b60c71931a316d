// lethe unlearn's TOML file: presets, paths relative to the file, and errors that name the file,
// the line and the setting.
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"
#include "unlearn/pipeline_config.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

fs::path write_config(const std::string& text) {
  auto path = test::scratch_dir() / "unlearn.toml";
  std::ofstream(path) << text;
  return path;
}

const char* kRequired = "base = \"base\"\nforget = \"saga.txt\"\ndictionary = \"d.json\"\nout = \"/tmp/run\"\n";

TEST(PipelineConfig, WhpIsThePapersRecipe) {
  auto path = write_config(std::string("preset = \"whp\"\n") + kRequired);
  auto c = read_pipeline_config(path);
  EXPECT_EQ(c.base, path.parent_path() / "base");
  EXPECT_EQ(c.out, fs::path("/tmp/run"));
  EXPECT_EQ(c.forget, std::vector<fs::path>{path.parent_path() / "saga.txt"});
  EXPECT_EQ(c.labels.alphas, std::vector<double>{5.0});
  EXPECT_EQ(c.labels.translations, 1);
  EXPECT_EQ(c.labels.soft_top_k, 0);
  EXPECT_FALSE(c.soft);
  EXPECT_EQ(c.retain_weight, 0.0);
  EXPECT_EQ(c.reinforce_epochs, 3.0);
  EXPECT_EQ(c.finetune_epochs, 2.0);
  EXPECT_EQ(c.batch_size * c.accumulation, 128);
}

TEST(PipelineConfig, WhpPlusAndTheFilesOwnValues) {
  auto c = read_pipeline_config(write_config(std::string("preset = \"whp-plus\"\n") + kRequired +
                                             "retain = [\"a.txt\", \"b.txt\"]\n[labels]\nalpha = [2.5]\n"
                                             "translations = 2\n[finetune]\nretain_weight = 0.5\n"
                                             "[eval]\nsuite = \"world/suite\"\nevery = 20\n"));
  EXPECT_TRUE(c.soft);
  EXPECT_EQ(c.labels.soft_top_k, 16);
  EXPECT_EQ(c.labels.translations, 2);
  EXPECT_EQ(c.labels.alphas, (std::vector<double>{2.5}));
  EXPECT_EQ(c.retain_weight, 0.5);
  EXPECT_EQ(c.retain.size(), 2u);
  EXPECT_EQ(c.eval_every, 20);
  EXPECT_EQ(c.eval_limit, 50);
  EXPECT_EQ(c.eval_suite.filename(), "suite");
}

TEST(PipelineConfig, WhpPlusUndoChainsTheDistillation) {
  auto c = read_pipeline_config(write_config(std::string("preset = \"whp-plus-undo\"\n") + kRequired +
                                             "retain = \"retain.txt\"\n[distill]\ntext = [\"general.txt\"]\ntokens = 5000\ntop_k = 32\n"));
  EXPECT_TRUE(c.soft);
  EXPECT_EQ(c.retain_weight, 10.0);
  EXPECT_EQ(c.distill_alpha, 0.5);
  EXPECT_EQ(c.distill_tokens, 5000);
  EXPECT_EQ(c.distill_top_k, 32);
  EXPECT_EQ(c.result_dir().filename(), "distilled");
  EXPECT_EQ(read_pipeline_config(write_config(kRequired)).result_dir().filename(), "unlearned");
}

TEST(PipelineConfig, RealSizeSettings) {
  auto c = read_pipeline_config(write_config(std::string(kRequired) + "activation_checkpointing = true\nzero_stage = 2\n"
                                             "[finetune]\nsam_rho = 0.05\n[lora]\nrank = 8\nalpha = 16\n"
                                             "targets = [\"q_proj\", \"v_proj\"]\nfrozen_dtype = \"bfloat16\"\n"));
  EXPECT_TRUE(c.activation_checkpointing);
  EXPECT_EQ(c.zero_stage, 2);
  EXPECT_EQ(c.sam_rho, 0.05);
  ASSERT_TRUE(c.lora.has_value());
  EXPECT_EQ(c.lora->rank, 8);
  EXPECT_EQ(c.lora->scale(), 2.0);
  EXPECT_EQ(c.lora->targets, (std::vector<std::string>{"q_proj", "v_proj"}));
  EXPECT_EQ(c.lora->frozen_dtype, "bfloat16");
  EXPECT_FALSE(read_pipeline_config(write_config(kRequired)).lora.has_value());  // no table, no adapters
}

TEST(PipelineConfig, TheFieldsMethodsAndTheirDefaults) {
  const std::string required = "base = \"base\"\nforget = \"saga.txt\"\nout = \"run\"\nretain = \"r.txt\"\n";
  auto method = [&](const std::string& name, const std::string& rest = "") {
    return read_pipeline_config(write_config("method = \"" + name + "\"\n" + required + rest));
  };
  auto npo = method("npo");  // no dictionary needed
  EXPECT_EQ(method_family(npo.method), MethodFamily::forget_loss);
  EXPECT_EQ(npo.forget_loss.method, ForgetMethod::npo);
  EXPECT_EQ(npo.forget_loss.beta, 0.1);
  EXPECT_EQ(npo.forget_loss.retain_loss, RetainLoss::nll);
  EXPECT_EQ(npo.forget_loss.retain_weight, 1.0);
  auto simnpo = method("simnpo", "[simnpo]\ngamma = 0.5\n[finetune]\nretain_loss = \"kl\"\nretain_weight = 3\n");
  EXPECT_EQ(simnpo.forget_loss.beta, 4.5);
  EXPECT_EQ(simnpo.forget_loss.gamma, 0.5);
  EXPECT_EQ(simnpo.forget_loss.retain_loss, RetainLoss::kl);
  EXPECT_EQ(simnpo.forget_loss.retain_weight, 3.0);
  auto undial = method("undial", "[undial]\nbeta = 3\n");
  EXPECT_EQ(undial.forget_loss.method, ForgetMethod::undial);
  EXPECT_EQ(undial.forget_loss.beta, 3.0);
  EXPECT_EQ(undial.forget_loss.retain_weight, 0.0);  // its paper reads no retain text
  EXPECT_EQ(method("gradascent").forget_loss.retain_weight, 0.0);
  EXPECT_EQ(method("graddiff").forget_loss.retain_loss, RetainLoss::nll);
  auto rmu = method("rmu", "[rmu]\nlayer = 2\nsteering = 6.5\n");
  EXPECT_EQ(rmu.forget_loss.method, ForgetMethod::rmu);
  EXPECT_EQ(rmu.forget_loss.rmu.layer, 2);
  EXPECT_EQ(rmu.forget_loss.rmu.steering, 6.5);
  EXPECT_EQ(rmu.forget_loss.retain_weight, 100.0);  // RMU's alpha: its retain term is on hidden states
  EXPECT_EQ(method("rmu").forget_loss.rmu.layer, -1);  // a quarter of the way down
  EXPECT_THROW(method("rmu", "[finetune]\nretain_loss = \"nll\"\n"), Error);
  EXPECT_THROW(method("rmu", "[lora]\nrank = 4\n"), Error);
  EXPECT_THROW(method("npo", "[rmu]\nlayer = 1\n"), Error);
  auto task = method("task-vector", "[task_vector]\nscale = 0.5\n");
  EXPECT_EQ(method_family(task.method), MethodFamily::task_vector);
  EXPECT_EQ(task.task_vector_scale, 0.5);
  EXPECT_EQ(method_family(method("whp-plus", "dictionary = \"d.json\"\n").method), MethodFamily::generic_labels);
}

TEST(PipelineConfig, ErrorsNameTheFileTheLineAndTheSetting) {
  struct Case {
    std::string text, words;
  };
  std::vector<Case> cases = {
      {std::string(kRequired) + "[labels]\ntranslation = 4\n", ":6: labels.translation is not a setting"},
      {std::string(kRequired) + "seed = \"one\"\n", ":5: seed has the wrong type"},
      {std::string(kRequired) + "preset = \"fast\"\n", "unknown method \"fast\""},
      {std::string(kRequired) + "block_length = \n", ":5:"},
      {"base = \"b\"\nforget = \"f\"\nout = \"o\"\n", "dictionary is required"},
      {std::string(kRequired) + "[finetune]\nretain_weight = 1.0\n", "needs retain text"},
      {std::string(kRequired) + "[eval]\nevery = 10\n", "needs a suite"},
      {std::string(kRequired) + "[distill]\nalpha = 1.5\ntext = \"g.txt\"\n", ":6: distill.alpha must be"},
      {std::string(kRequired) + "[distill]\nalpha = 0.5\n", "[distill] needs text"},
      // Each alpha costs a labelling pass and the fine-tune uses one (before, the first, silently).
      {std::string(kRequired) + "[labels]\nalpha = [5, 2.5]\n", "the pipeline fine-tunes on one alpha, 2 given"},
      {"base = \"b\"\nforget = [1]\ndictionary = \"d\"\nout = \"o\"\n", ":2: forget must be a list of paths"},
      {std::string(kRequired) + "zero_stage = 3\n", ":5: zero_stage must be"},
      {std::string(kRequired) + "[lora]\nrank = 0\n", ":6: lora.rank must be"},
      {std::string(kRequired) + "[lora]\nfrozen_dtype = \"int8\"\n", ":6: lora.frozen_dtype"},
      {std::string(kRequired) + "[lora]\nranks = 4\n", ":6: lora.ranks is not a setting"},
      {std::string(kRequired) + "method = \"npo\"\npreset = \"whp\"\n", "give method or preset"},
      {std::string(kRequired) + "method = \"npo\"\n[npo]\nbeta = 0\n", ":7: npo.beta must be"},
      {std::string(kRequired) + "method = \"npo\"\n[npo]\ngamma = 1\n", ":7: npo.gamma is not a setting"},
      {std::string(kRequired) + "method = \"npo\"\n[undial]\nbeta = 3\n", "[undial] sets a method"},
      {std::string(kRequired) + "method = \"npo\"\n[finetune]\nsoft = true\n", "soft is a setting of the whp"},
      {std::string(kRequired) + "[finetune]\nretain_loss = \"l2\"\n", ":6: finetune.retain_loss is \"l2\", not one of kl, nll"},
      {"method = \"whp-plus\"\nbase = \"b\"\nforget = \"f\"\nout = \"o\"\nretain = \"r\"\n", "dictionary is required for method whp-plus"},
  };
  for (const auto& c : cases) {
    auto path = write_config(c.text);
    try {
      read_pipeline_config(path);
      ADD_FAILURE() << "accepted:\n" << c.text;
    } catch (const Error& e) {
      std::string message = e.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      EXPECT_NE(message.find(c.words), std::string::npos) << message << "\nexpected: " << c.words;
    }
  }
}

}  // namespace
}  // namespace lethe::unlearn
