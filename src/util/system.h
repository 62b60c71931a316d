#pragma once
// Start-up hygiene: which BLAS torch's matrix products run on, whether OpenBLAS picked the right
// kernels for this CPU, and how many threads to use. On CPU this decides a 40x spread in speed.
#include <cstdint>
#include <string>

namespace lethe::util {

struct BlasInfo {
  std::string library;    // the file that provides sgemm_
  std::string name;       // "OpenBLAS", "reference BLAS", "MKL", "unknown"
  std::string core;       // OpenBLAS kernel family ("SkylakeX", "Haswell", ...), else empty
  std::string config;     // OpenBLAS build configuration, else empty
};

BlasInfo detect_blas();
// Whether torch's BLAS is OpenBLAS on its AVX-512 kernels (SkylakeX and later): then its products
// are as fast as oneDNN's, else (Haswell kernels, as AMD machines set) slower.
bool blas_uses_avx512_kernels();
// The allocator that serves malloc: "gperftools 2.10" when lethe is linked with tcmalloc, which
// keeps freed memory for reuse (a training step then faults in no fresh pages), else "glibc malloc".
std::string malloc_name();
bool cpu_has_avx512();
// What can be allocated without swapping, in bytes: MemAvailable of /proc/meminfo, or less when a
// cgroup (v2) memory limit leaves less; -1 if unknown.
int64_t available_memory_bytes();

// Who chose OpenBLAS's kernels: "OPENBLAS_CORETYPE=Haswell, set in the environment", "..., set by
// lethe", or "" when OpenBLAS chose them itself.
std::string blas_core_choice();

// Call first thing in main(). If OpenBLAS chose generic kernels on an AVX-512 CPU (OpenBLAS
// 0.3.21 does not know recent Xeons), re-executes the program once with OPENBLAS_CORETYPE=SkylakeX;
// warns loudly on a reference BLAS. A kernel family set in the environment is respected without a
// word (`info --system` reports it). Does not return when it re-executes.
void fix_blas_or_warn(char** argv);

// Sets torch's intra-op threads: `threads` if positive, else LETHE_THREADS, else all cores shared by
// the run's processes on this machine (LOCAL_WORLD_SIZE, as torchrun sets it).
int configure_threads(int threads = 0);

// The two libraries lethe's matrix products run on: torch's BLAS (OpenBLAS on Debian) and oneDNN
// (util/onednn_sgemm.h, the model's float32 products on the CPU).
enum class SgemmLibrary { torch, onednn };

// Measured single-precision matrix-product rate (GFLOP/s) of one library on this machine, n x n
// times n x n, the second operand transposed as in a linear layer (x W^T) when transpose_b.
double measure_sgemm_gflops(int n = 1024, double seconds = 1.0, bool transpose_b = true,
                            SgemmLibrary library = SgemmLibrary::torch);

// The best rate of one library over square and linear-layer shapes.
double measure_library_sgemm_peak_gflops(SgemmLibrary library, double seconds_per_shape = 1.0);

// The best rate of both libraries: the machine's peak, the MFU denominator.
double measure_sgemm_peak_gflops(double seconds_per_shape = 1.0);

// A multi-line human-readable summary for `lethe info --system`.
std::string system_report(bool measure);

}  // namespace lethe::util
