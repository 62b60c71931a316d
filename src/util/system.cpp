#include "util/system.h"

#include <dlfcn.h>
#include <fmt/core.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "util/onednn_sgemm.h"

namespace lethe::util {
namespace {

// OpenBLAS kernel families that use AVX-512.
bool is_avx512_core(const std::string& core) {
  for (const char* name : {"SkylakeX", "Cooperlake", "SapphireRapids"})
    if (core.find(name) != std::string::npos) return true;
  return false;
}

std::string call_string_function(const char* symbol) {
  auto fn = reinterpret_cast<char* (*)()>(dlsym(RTLD_DEFAULT, symbol));
  return fn ? std::string(fn()) : std::string();
}

// A number from a one-line file, or -1 ("max", missing, unreadable).
int64_t number_in(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::atoll(text.c_str());
}

}  // namespace

std::string malloc_name() {
  // gperftools' C API: const char* tc_version(int* major, int* minor, const char** patch).
  auto tc_version = reinterpret_cast<const char* (*)(int*, int*, const char**)>(dlsym(RTLD_DEFAULT, "tc_version"));
  return tc_version ? tc_version(nullptr, nullptr, nullptr) : "glibc malloc";
}

int64_t available_memory_bytes() {
  int64_t available = -1;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemAvailable:", 0) == 0) available = std::atoll(line.c_str() + 13) * 1024;  // "... kB"
  // In a container the cgroup's limit (v2) may be lower than what the machine has free.
  const int64_t limit = number_in("/sys/fs/cgroup/memory.max"), used = number_in("/sys/fs/cgroup/memory.current");
  if (limit > 0 && used >= 0 && (available < 0 || limit - used < available)) available = std::max<int64_t>(0, limit - used);
  return available;
}

bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

BlasInfo detect_blas() {
  BlasInfo info;
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info where{};
  if (sgemm && dladdr(sgemm, &where) && where.dli_fname) info.library = where.dli_fname;
  info.core = call_string_function("openblas_get_corename");
  info.config = call_string_function("openblas_get_config");
  if (!info.core.empty() || !info.config.empty())
    info.name = "OpenBLAS";
  else if (dlsym(RTLD_DEFAULT, "mkl_get_version") != nullptr)
    info.name = "MKL";
  else if (info.library.find("/blas/") != std::string::npos)
    info.name = "reference BLAS";
  else
    info.name = "unknown";
  return info;
}

bool blas_uses_avx512_kernels() {
  const BlasInfo blas = detect_blas();
  return blas.name == "OpenBLAS" && is_avx512_core(blas.core);
}

std::string blas_core_choice() {
  const char* core = std::getenv("OPENBLAS_CORETYPE");
  if (core == nullptr) return "";
  if (std::getenv("LETHE_BLAS_REEXEC") != nullptr) return fmt::format("OPENBLAS_CORETYPE={}, set by lethe", core);
  return fmt::format("OPENBLAS_CORETYPE={}, set in the environment", core);
}

void fix_blas_or_warn(char** argv) {
  BlasInfo blas = detect_blas();
  if (blas.name == "reference BLAS") {
    fmt::print(stderr,
               "lethe: WARNING: torch runs on the reference BLAS ({}), 10-40x slower than OpenBLAS.\n"
               "lethe: WARNING: install libopenblas0-openmp (make deps does) to fix it.\n",
               blas.library);
    return;
  }
  if (blas.name != "OpenBLAS" || !cpu_has_avx512() || is_avx512_core(blas.core)) return;
  if (std::getenv("LETHE_BLAS_REEXEC") != nullptr) {
    fmt::print(stderr,
               "lethe: WARNING: OpenBLAS uses '{}' kernels on an AVX-512 CPU although lethe set "
               "OPENBLAS_CORETYPE=SkylakeX; torch's matrix products run at a fraction of their speed.\n",
               blas.core);
    return;
  }
  // A kernel family chosen in the environment is the user's (or the machine's) choice: OpenBLAS
  // 0.3.21 misbehaves on some AVX-512 CPUs, which therefore set Haswell. `info --system` shows it.
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  // OpenBLAS picks its kernels when it is loaded, so the variable only helps a new process.
  setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
  setenv("LETHE_BLAS_REEXEC", "1", 1);
  execv("/proc/self/exe", argv);
  fmt::print(stderr, "lethe: WARNING: could not re-execute with OPENBLAS_CORETYPE=SkylakeX: {}\n",
             std::strerror(errno));
}

int configure_threads(int threads) {
  if (threads <= 0) {
    const char* env = std::getenv("LETHE_THREADS");
    threads = env ? std::atoi(env) : 0;
  }
  if (threads <= 0) {
    // The cores are shared by the processes of a run on this machine (torchrun's LOCAL_WORLD_SIZE).
    const char* local_processes = std::getenv("LOCAL_WORLD_SIZE");
    const int sharing = local_processes ? std::max(1, std::atoi(local_processes)) : 1;
    threads = static_cast<int>(std::thread::hardware_concurrency()) / sharing;
  }
  if (threads <= 0) threads = 1;
  torch::set_num_threads(threads);
  return threads;
}

double measure_sgemm_gflops(int n, double seconds, bool transpose_b, SgemmLibrary library) {
  torch::NoGradGuard no_grad;
  auto a = torch::randn({n, n});
  auto b = torch::randn({n, n});  // stored (N,K) when transpose_b, else (K,N)
  auto c = torch::empty({n, n});
  auto product = [&] {
    if (library == SgemmLibrary::torch) {
      torch::mm_out(c, a, transpose_b ? b.t() : b);
    } else {
      onednn_sgemm('N', transpose_b ? 'T' : 'N', n, n, n, 1.0f, a.data_ptr<float>(), n, b.data_ptr<float>(), n,
                   0.0f, c.data_ptr<float>(), n);
    }
  };
  product();  // warm-up
  int64_t runs = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds || runs < 3) {
    product();
    ++runs;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return 2.0 * n * n * n * runs / elapsed / 1e9;
}

double measure_library_sgemm_peak_gflops(SgemmLibrary library, double seconds_per_shape) {
  double peak = 0.0;
  for (auto [n, transpose_b] : {std::pair{1024, false}, {1024, true}, {2048, true}})
    peak = std::max(peak, measure_sgemm_gflops(n, seconds_per_shape, transpose_b, library));
  return peak;
}

double measure_sgemm_peak_gflops(double seconds_per_shape) {
  return std::max(measure_library_sgemm_peak_gflops(SgemmLibrary::torch, seconds_per_shape),
                  measure_library_sgemm_peak_gflops(SgemmLibrary::onednn, seconds_per_shape));
}

std::string system_report(bool measure) {
  BlasInfo blas = detect_blas();
  std::string report;
  report += fmt::format("torch:        {}.{}.{}\n", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
  report += fmt::format("cores:        {}\n", std::thread::hardware_concurrency());
  report += fmt::format("threads:      {}\n", torch::get_num_threads());
  report += fmt::format("avx512:       {}\n", cpu_has_avx512() ? "yes" : "no");
  report += fmt::format("blas:         {} ({})\n", blas.name, blas.library.empty() ? "?" : blas.library);
  if (!blas.core.empty()) {
    std::string choice = blas_core_choice();
    report += fmt::format("blas core:    {}{}\n", blas.core, choice.empty() ? "" : " (" + choice + ")");
  }
  if (!blas.config.empty()) report += fmt::format("blas config:  {}\n", blas.config);
  report += fmt::format("malloc:       {}\n", malloc_name());
  report += fmt::format("cuda:         {}\n", torch::cuda::is_available()
                                                   ? fmt::format("{} device(s)", torch::cuda::device_count())
                                                   : std::string("not available"));
  if (measure) {
    const double torch_blas = measure_library_sgemm_peak_gflops(SgemmLibrary::torch, 0.5);
    const double onednn = measure_library_sgemm_peak_gflops(SgemmLibrary::onednn, 0.5);
    report += fmt::format("sgemm peak:   {:.1f} GFLOP/s (fp32, best of 1024 and 2048 squares: torch's BLAS {:.1f}, "
                          "oneDNN {:.1f})\n",
                          std::max(torch_blas, onednn), torch_blas, onednn);
  }
  return report;
}

}  // namespace lethe::util
