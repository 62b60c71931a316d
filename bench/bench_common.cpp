#include "bench_common.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "util/error.h"
#include "util/system.h"

namespace lethe::bench {
namespace {

model::ModelConfig make_config(int64_t vocab, int64_t hidden, int64_t inter, int64_t layers, int64_t heads) {
  nlohmann::json j = {{"model_type", "llama"}, {"vocab_size", vocab}, {"hidden_size", hidden},
                      {"intermediate_size", inter}, {"num_hidden_layers", layers},
                      {"num_attention_heads", heads}, {"num_key_value_heads", heads},
                      {"max_position_embeddings", 1024}, {"tie_word_embeddings", true}};
  return model::parse_model_config(j, "bench");
}

}  // namespace

std::vector<BenchModel> bench_models() {
  return {{"llama-14M", make_config(4096, 512, 1408, 4, 8), 8, 256},
          {"llama-110M", make_config(32000, 768, 2048, 12, 12), 4, 256}};
}

Measurement time_steps(const std::function<void()>& step, int64_t tokens_per_step, double seconds) {
  step();
  int64_t steps = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds || steps < 3) {
    step();
    ++steps;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return {steps * tokens_per_step / elapsed, elapsed / steps};
}

Measurement measure_python(const BenchModel& m, const std::string& mode, int threads, double seconds) {
  std::string command = fmt::format(
      "/usr/bin/python3 {}/python_reference.py --mode {} --config '{}' --batch {} --sequence {} --threads {} "
      "--seconds {}",
      LETHE_BENCH_DIR, mode, m.config.to_json().dump(), m.batch, m.sequence, threads, seconds);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw Error("cannot run " + command);
  std::string output;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) throw Error("python reference failed: " + output);
  auto result = nlohmann::json::parse(output);
  return {result["tokens_per_second"].get<double>(), result["seconds_per_step"].get<double>()};
}

std::vector<Round> measure_rounds(const std::function<Measurement(double)>& lethe,
                                  const std::function<Measurement(double)>& python, double seconds) {
  std::vector<Round> rounds(3);
  for (auto& round : rounds) {
    round.sgemm_before = util::measure_sgemm_peak_gflops(0.5);
    round.lethe = lethe(seconds / 3);
    round.sgemm_between = util::measure_sgemm_peak_gflops(0.5);
    round.python = python(seconds / 3);
    round.sgemm_after = util::measure_sgemm_peak_gflops(0.5);
  }
  return rounds;
}

namespace {

void print_header(int threads) {
  auto blas = util::detect_blas();
  fmt::print("BLAS: {} {} | threads {}\n", blas.name, blas.core, threads);
  fmt::print("median of 3 rounds; each round measures the sgemm peak, lethe, the peak, PyTorch, the peak\n");
  fmt::print("{:<11} {:<8} {:>14} {:>14} {:>7} {:>11} {:>11} {:>12}\n", "model", "mode", "lethe tok/s",
             "pytorch tok/s", "ratio", "lethe MFU", "torch MFU", "sgemm GF/s");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void print_row(const BenchModel& m, const std::string& mode, const std::vector<Round>& rounds,
               double flops_per_token) {
  std::vector<double> lethe, python, ratio, lethe_mfu, python_mfu, sgemm;
  for (const auto& r : rounds) {
    lethe.push_back(r.lethe.tokens_per_second);
    python.push_back(r.python.tokens_per_second);
    ratio.push_back(r.lethe.tokens_per_second / r.python.tokens_per_second);
    lethe_mfu.push_back(100.0 * r.lethe.tokens_per_second * flops_per_token / (r.lethe_sgemm() * 1e9));
    python_mfu.push_back(100.0 * r.python.tokens_per_second * flops_per_token / (r.python_sgemm() * 1e9));
    sgemm.push_back(r.lethe_sgemm());
  }
  fmt::print("{:<11} {:<8} {:>14.0f} {:>14.0f} {:>7.3f} {:>10.1f}% {:>10.1f}% {:>12.1f}\n", m.name, mode,
             median(lethe), median(python), median(ratio), median(lethe_mfu), median(python_mfu), median(sgemm));
  std::fflush(stdout);
}

}  // namespace

int run_benchmark(int argc, char** argv, const std::string& mode,
                  const std::function<Measurement(const BenchModel&, double)>& measure_lethe,
                  double flops_multiplier) {
  util::fix_blas_or_warn(argv);
  int threads = util::configure_threads(0);
  double seconds = argc > 1 ? std::atof(argv[1]) : 12.0;
  print_header(threads);
  for (const auto& m : bench_models()) {
    auto rounds = measure_rounds([&](double s) { return measure_lethe(m, s); },
                                 [&](double s) { return measure_python(m, mode, threads, s); }, seconds);
    print_row(m, mode, rounds, flops_multiplier * m.config.forward_flops_per_token(m.sequence));
  }
  return 0;
}

}  // namespace lethe::bench
