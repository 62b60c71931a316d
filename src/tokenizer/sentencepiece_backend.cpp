#include "tokenizer/sentencepiece_backend.h"

#include <dlfcn.h>
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "util/error.h"

namespace lethe::tokenizer {
namespace {

namespace fs = std::filesystem;
using Factory = SentencePieceBackend* (*)();

constexpr const char* kModuleName = "liblethe_sentencepiece.so";

// Where the module may be: the override, beside the executable (installed), the build tree.
std::vector<fs::path> module_candidates() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("LETHE_SENTENCEPIECE_MODULE")) candidates.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path() / kModuleName);
  candidates.emplace_back(LETHE_SENTENCEPIECE_MODULE_PATH);
  return candidates;
}

// gcc says __SANITIZE_ADDRESS__, clang (the fuzz targets) __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define LETHE_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LETHE_ADDRESS_SANITIZER 1
#endif
#endif

int open_flags() {
#if defined(LETHE_ADDRESS_SANITIZER)
  return RTLD_NOW | RTLD_LOCAL;  // ASan refuses RTLD_DEEPBIND; sanitized builds do not load torch
#else
  return RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
#endif
}

Factory load_factory() {
  std::string errors;
  for (const auto& path : module_candidates()) {
    if (!fs::exists(path)) continue;
    void* handle = dlopen(path.c_str(), open_flags());
    if (handle == nullptr) {
      errors += fmt::format("\n  {}: {}", path.string(), dlerror());
      continue;
    }
    if (auto factory = reinterpret_cast<Factory>(dlsym(handle, "lethe_make_sentencepiece_backend"))) return factory;
    errors += fmt::format("\n  {}: no lethe_make_sentencepiece_backend", path.string());
  }
  throw Error(fmt::format("cannot load the SentencePiece module {} (set LETHE_SENTENCEPIECE_MODULE){}",
                          kModuleName, errors));
}

}  // namespace

std::unique_ptr<SentencePieceBackend> make_sentencepiece_backend() {
  static std::once_flag once;
  static Factory factory = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    try {
      factory = load_factory();
    } catch (const Error& e) {
      failure = e.what();
    }
  });
  if (factory == nullptr) throw Error(failure);
  return std::unique_ptr<SentencePieceBackend>(factory());
}

}  // namespace lethe::tokenizer
