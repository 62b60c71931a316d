// lethe across processes: two processes launched by torchrun on this machine (Gloo over loopback)
// run the whole pipeline and end where one process ends with the same global batch.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <set>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/model_fixtures.h"
#include "io/file.h"
#include "io/safetensors.h"
#include "test_util.h"

namespace lethe {
namespace {

namespace fs = std::filesystem;
using test::lethe;

std::vector<float> float32_values(const io::SafetensorsReader& file, const io::TensorInfo& info) {
  EXPECT_EQ(info.dtype, io::DType::F32) << info.name;
  std::vector<float> values(info.nbytes / sizeof(float));
  std::memcpy(values.data(), file.data(info), values.size() * sizeof(float));
  return values;
}

// The largest difference between two float32 checkpoints' tensors, relative to the largest value.
double relative_difference(const fs::path& a, const fs::path& b) {
  io::SafetensorsReader one(a / "model.safetensors"), two(b / "model.safetensors");
  double largest_difference = 0, largest_value = 0;
  EXPECT_EQ(one.tensors().size(), two.tensors().size());
  for (const auto& info : one.tensors()) {
    const io::TensorInfo* other = two.find(info.name);
    if (other == nullptr) {
      ADD_FAILURE() << info.name << " missing";
      continue;
    }
    auto x = float32_values(one, info), y = float32_values(two, *other);
    EXPECT_EQ(x.size(), y.size()) << info.name;
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      largest_difference = std::max(largest_difference, std::fabs(double(x[i]) - y[i]));
      largest_value = std::max(largest_value, std::fabs(double(x[i])));
    }
  }
  return largest_difference / largest_value;
}

void write_pipeline(const fs::path& dir, const std::string& out) {
  std::string forget, other;
  for (int i = 0; i < 24; ++i) {
    forget += "the old wizard Zorbix carried the stone to the river number " + std::to_string(i) + ".\n";
    other += "the farmer carried a basket of apples to the market number " + std::to_string(i) + ".\n";
  }
  io::write_file_atomic(dir / "forget.txt", forget);
  io::write_file_atomic(dir / "other.txt", other);
  io::write_file_atomic(dir / "terms.json", R"({"Zorbix": ["John"]})");
  // Two micro-batches per step: one each in two processes, both in one.
  io::write_file_atomic(dir / (out + ".toml"),
                        "preset = \"whp-plus\"\nbase = \"model\"\nforget = \"forget.txt\"\nretain = \"other.txt\"\n"
                        "dictionary = \"terms.json\"\nout = \"" + out + "\"\nblock_length = 32\nbatch_size = 2\n"
                        "accumulation = 2\n[reinforce]\nepochs = 2\n[labels]\ntranslations = 2\nbatch_size = 2\n"
                        "[finetune]\nepochs = 2\n");
}

std::string torchrun(const fs::path& logs, const std::string& arguments) {
  const int port = 20000 + (getpid() * 7 + static_cast<int>(arguments.size())) % 30000;
  // -r 1 -t 1: the stdout of each process through a log file, echoed with its name; the default
  // (no redirect) fails in Debian 12's torchrun, whose flag parsing misses Python 3.11's enums.
  return fmt::format("torchrun --nnodes 1 --nproc_per_node 2 --master_addr 127.0.0.1 --master_port {} -r 1 -t 1 "
                     "--log_dir {} --no_python {} {}",
                     port, logs.string(), LETHE_EXE, arguments);
}

TEST(Distributed, TwoGlooProcessesEndWithTheWeightsAndLabelsOfOne) {
  auto dir = test::scratch_dir();
  test::make_tiny_model(dir / "model");
  write_pipeline(dir, "one");
  write_pipeline(dir, "two");
  // One thread in each process, as each of the two gets on this 2-core machine: OpenBLAS's kernels
  // on some CPUs (AMD EPYC) sum in another order with another number of threads.
  auto one = lethe("unlearn --threads 1 --config " + (dir / "one.toml").string());
  ASSERT_EQ(one.exit_code, 0) << one.all();

  auto two = test::run_command(torchrun(dir / "logs", "unlearn --threads 1 --config " + (dir / "two.toml").string()));
  ASSERT_EQ(two.exit_code, 0) << two.all();
  // The main process alone writes and reports.
  EXPECT_EQ(two.output, "[default0]:unlearned model written to " + (dir / "two/unlearned").string() + "\n")
      << two.all();

  EXPECT_EQ(io::read_file(dir / "one/labels.bin"), io::read_file(dir / "two/labels.bin"));
  for (const char* stage : {"reinforced", "unlearned"}) {
    const double difference = relative_difference(dir / "one" / stage, dir / "two" / stage);
    std::printf("%s: largest relative difference between one and two processes %.2e\n", stage, difference);
    EXPECT_LT(difference, 1e-5) << stage;
  }
  // The trained weights moved, so the comparison above means something.
  EXPECT_GT(relative_difference(dir / "model", dir / "two/unlearned"), 1e-3);
}

// ZeRO stages 1 and 2: two processes, each updating half of the weights with half of the
// optimizer states, end with the weights of one process holding all of them.
TEST(Distributed, ShardedOptimizerStatesEndWithTheWeightsOfOneProcess) {
  auto dir = test::scratch_dir();
  test::make_tiny_model(dir / "model");
  write_pipeline(dir, "unused");
  const std::string reinforce = "reinforce " + (dir / "model").string() + " --forget " + (dir / "forget.txt").string() +
                                " --block-length 32 --batch-size 2 --accumulation 2 --checkpoint-every 1000 --epochs ";
  auto one = lethe(reinforce + "3 --out " + (dir / "one").string());
  ASSERT_EQ(one.exit_code, 0) << one.all();
  for (int stage : {1, 2}) {
    const fs::path out = dir / ("zero" + std::to_string(stage));
    auto two = test::run_command(torchrun(dir / ("logs" + std::to_string(stage)),
                                          reinforce + "3 --zero-stage " + std::to_string(stage) + " --out " + out.string()));
    ASSERT_EQ(two.exit_code, 0) << two.all();
    const double difference = relative_difference(dir / "one", out);
    const double shard0 = fs::file_size(out / "run/optimizer.0-of-2.pt");
    const double shard1 = fs::file_size(out / "run/optimizer.1-of-2.pt");
    std::printf("ZeRO %d: largest relative difference %.2e; optimizer states %.0f%% / %.0f%% per process\n", stage,
                difference, 100 * shard0 / (shard0 + shard1), 100 * shard1 / (shard0 + shard1));
    EXPECT_LT(difference, 1e-5) << stage;
    EXPECT_NEAR(shard0 / (shard0 + shard1), 0.5, 0.1) << stage;
  }
  // Every process resumes its shard: a run stopped after half of the steps, then run to the end,
  // ends where the uninterrupted one ends (the learning rate is constant after no warmup).
  const fs::path resumed = dir / "resumed";
  for (const char* epochs : {"1.5", "3"}) {
    auto part = test::run_command(torchrun(dir / "logs-resumed", reinforce + epochs + " --zero-stage 2 --out " + resumed.string()));
    ASSERT_EQ(part.exit_code, 0) << part.all();
  }
  EXPECT_LT(relative_difference(dir / "one", resumed), 1e-5);
}

// Every "seconds" of a report dropped: the one part that differs from run to run.
void drop_timings(nlohmann::json& value) {
  if (value.is_object()) value.erase("seconds");
  if (value.is_structured())
    for (auto& item : value) drop_timings(item);
}

// lethe eval across processes: each takes its share of every metric's batches (QA and
// familiarity generation, scored continuations, perplexity windows) and of the relearning sweep's
// runs; the report is the one process's to the last digit, and the main process alone prints it.
// The shipped models on the demo world's suite: demo-base answers the saga, so the attacks' curves
// move and differ from run to run (a curve put in another run's place would show).
TEST(Distributed, TwoProcessesEvaluateAsOne) {
  auto dir = test::scratch_dir();
  const fs::path models = fs::path(LETHE_SOURCE_DIR) / "models";
  auto world = lethe("world generate --seed 1 --out " + (dir / "world").string());
  ASSERT_EQ(world.exit_code, 0) << world.all();
  // Batches of 2 of 5 items: three rounds, the last with a task for the first process only.
  const std::string eval = "eval --models base=" + (models / "demo-base").string() + " --suite " +
                           (dir / "world/suite").string() + " --limit 5 --text retain=" +
                           (dir / "world/retain/holdout.txt").string() +
                           " --batch-size 2 --relearn-steps 2 --relearn-passages 2 --relearn-sweep --sweep-lrs 1e-5,1e-3"
                           " --sweep-passages 4 --sweep-steps 1,3 --relearn-benign " +
                           (dir / "world/general/holdout.txt").string() + " --threads 1 --out ";
  auto one = lethe(eval + (dir / "one/report.json").string());
  ASSERT_EQ(one.exit_code, 0) << one.all();
  auto two = test::run_command(torchrun(dir / "logs-eval", eval + (dir / "two/report.json").string()));
  ASSERT_EQ(two.exit_code, 0) << two.all();
  EXPECT_EQ(two.output.find("[default1]"), std::string::npos) << two.all();
  EXPECT_NE(two.output.find("[default0]:report written to"), std::string::npos) << two.all();

  auto one_report = nlohmann::json::parse(io::read_file(dir / "one/report.json"));
  auto two_report = nlohmann::json::parse(io::read_file(dir / "two/report.json"));
  drop_timings(one_report);
  drop_timings(two_report);
  EXPECT_EQ(one_report["results"], two_report["results"]);
  EXPECT_EQ(one_report["models"], two_report["models"]);
  // What was compared holds figures that differ: answers, a perplexity, attack curves that move.
  const auto& base = two_report["results"]["base"];
  EXPECT_GT(base["forget_qa"]["exact_match"].get<double>(), 0.0) << base["forget_qa"].dump();
  EXPECT_GT(base["perplexity"]["retain"]["tokens"].get<int64_t>(), 0);
  std::set<std::vector<double>> curves;
  for (const auto& run : base["relearning_sweep"]["runs"]) curves.insert(run["exact_match"].get<std::vector<double>>());
  EXPECT_GT(curves.size(), 1u) << base["relearning_sweep"].dump();
}

TEST(Distributed, AMissingRendezvousIsACleanError) {
  auto dir = test::scratch_dir();
  test::make_tiny_model(dir / "model");
  write_pipeline(dir, "run");
  auto result = test::run_command("env -u MASTER_ADDR -u MASTER_PORT WORLD_SIZE=2 RANK=0 " + std::string(LETHE_EXE) +
                                  " unlearn --config " + (dir / "run.toml").string());
  EXPECT_EQ(result.exit_code, 1) << result.all();
  EXPECT_NE(result.diagnostics.find("MASTER_ADDR and MASTER_PORT are not both set"), std::string::npos)
      << result.all();
}

}  // namespace
}  // namespace lethe
