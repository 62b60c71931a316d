#include "util/progress.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lethe::util {

std::string human_count(double value) {
  const char* suffixes[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (std::abs(value) >= 1000.0 && i < 4) {
    value /= 1000.0;
    ++i;
  }
  return i == 0 ? fmt::format("{:.0f}", value) : fmt::format("{:.1f}{}", value, suffixes[i]);
}

std::string human_rate(double per_second) {
  return per_second < 10.0 ? fmt::format("{:.2f}", per_second) : human_count(per_second);
}

std::string human_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  auto total = static_cast<int64_t>(seconds + 0.5);
  int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  return h > 0 ? fmt::format("{}:{:02}:{:02}", h, m, s) : fmt::format("{:02}:{:02}", m, s);
}

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(int64_t amount) {
  done_ += amount;
  auto now = std::chrono::steady_clock::now();
  auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_draw_ >= interval) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::set_suffix(std::string suffix) { suffix_ = std::move(suffix); }

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  double eta = rate > 0 ? (total_ - done_) / rate : NAN;
  double fraction = total_ > 0 ? std::clamp(double(done_) / total_, 0.0, 1.0) : 0.0;
  constexpr int kWidth = 24;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  std::string line = fmt::format("{} [{}] {}/{} {} | {} {}/s | {} {}", label_, bar, human_count(done_),
                                 human_count(total_), unit_, human_rate(rate), unit_,
                                 final ? "took" : "eta", human_duration(final ? elapsed : eta));
  if (!suffix_.empty()) line += " | " + suffix_;
  if (terminal_)
    fmt::print(stderr, "\r\033[K{}{}", line, final ? "\n" : "");
  else
    fmt::print(stderr, "{}\n", line);
  std::fflush(stderr);
}

}  // namespace lethe::util
