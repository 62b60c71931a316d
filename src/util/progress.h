#pragma once
// A progress bar on stderr for long work: done/total, rate and ETA. On a terminal it redraws one
// line; otherwise (logs, CI) it prints a plain line every few seconds.
#include <chrono>
#include <cstdint>
#include <string>

namespace lethe::util {

class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit);
  ~Progress();  // finishes the line

  void advance(int64_t amount);
  void set_suffix(std::string suffix);  // extra text after the rate, e.g. "loss 2.31"
  void finish();

 private:
  void draw(bool final);

  std::string label_;
  int64_t total_;
  std::string unit_;
  std::string suffix_;
  int64_t done_ = 0;
  bool finished_ = false;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1.2k", "3.4M": compact counts.
std::string human_count(double value);
// "0.34", "12", "3.4k": a rate, with decimals where it is slow (long steps run below one a second).
std::string human_rate(double per_second);
// "1:02:03" or "02:03".
std::string human_duration(double seconds);

}  // namespace lethe::util
