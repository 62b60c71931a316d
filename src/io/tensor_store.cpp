#include "io/tensor_store.h"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "io/file.h"
#include "util/error.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";

// transformers refuses safetensors files whose metadata lacks a known "format".
const std::map<std::string, std::string> kFileMetadata{{"format", "pt"}};

[[noreturn]] void fail(const fs::path& where, const std::string& reason) {
  throw Error(fmt::format("{}: {}", where.string(), reason));
}

bool path_exists(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

// A shard must sit in the model folder itself: an index must not reach elsewhere.
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

// The index's tensor name -> shard file name.
std::map<std::string, std::string> read_weight_map(const fs::path& index_path) {
  json index = read_json(index_path);
  if (!index.is_object()) fail(index_path, "not a JSON object");
  auto weight_map = index.find("weight_map");
  if (weight_map == index.end() || !weight_map->is_object())
    fail(index_path, "\"weight_map\" is missing or not an object");
  std::map<std::string, std::string> shard_of;
  for (const auto& [tensor, shard] : weight_map->items()) {
    if (!shard.is_string())
      fail(index_path, fmt::format("tensor '{}': shard {} is not a string", tensor, shard.dump()));
    const auto& shard_name = shard.get_ref<const std::string&>();
    if (!is_plain_file_name(shard_name))
      fail(index_path,
           fmt::format("tensor '{}': shard '{}' is not a file name in the model folder", tensor, shard_name));
    shard_of.emplace(tensor, shard_name);
  }
  return shard_of;
}

std::string shard_name(std::size_t index, std::size_t count) {
  return fmt::format("model-{:05d}-of-{:05d}.safetensors", index + 1, count);
}

// Whether `name` has the form of shard_name(): model-DDDDD-of-DDDDD.safetensors.
bool is_shard_name(const std::string& name) {
  const std::string pattern = "model-#####-of-#####.safetensors";
  if (name.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    bool matches =
        pattern[i] == '#' ? std::isdigit(static_cast<unsigned char>(name[i])) != 0 : name[i] == pattern[i];
    if (!matches) return false;
  }
  return true;
}

// Greedy, in the given order: a shard takes tensors until the next would pass max_shard_bytes; a
// tensor larger than that gets a shard of its own.
std::vector<std::vector<TensorBytes>> split_into_shards(const std::vector<TensorBytes>& tensors,
                                                        uint64_t max_shard_bytes) {
  std::vector<std::vector<TensorBytes>> shards;
  uint64_t shard_bytes = 0;
  for (const TensorBytes& tensor : tensors) {
    bool full = shard_bytes > max_shard_bytes || tensor.nbytes > max_shard_bytes - shard_bytes;
    if (shards.empty() || (!shards.back().empty() && full)) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    shards.back().push_back(tensor);
    shard_bytes += tensor.nbytes;
  }
  return shards;
}

void check_unique_names(const fs::path& model_dir, const std::vector<TensorBytes>& tensors) {
  std::set<std::string_view> names;
  for (const TensorBytes& tensor : tensors)
    if (!names.insert(tensor.name).second)
      fail(model_dir, fmt::format("tensor '{}' given twice", tensor.name));
}

json index_json(const std::vector<std::vector<TensorBytes>>& shards) {
  json weight_map = json::object();
  uint64_t total_size = 0;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    for (const TensorBytes& tensor : shards[i]) {
      weight_map[tensor.name] = shard_name(i, shards.size());
      total_size += tensor.nbytes;
    }
  }
  return {{"metadata", {{"total_size", total_size}}}, {"weight_map", weight_map}};
}

// Removes what an earlier write left that the new layout does not use: a stale single file or
// index would be read instead of (or besides) the new files, stale shards only waste space.
void remove_stale_files(const fs::path& model_dir, const std::set<std::string>& written) {
  std::error_code error;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(model_dir, error), end; !error && it != end; it.increment(error)) {
    std::string name = it->path().filename().string();
    bool ours = name == kSingleFile || name == kIndexFile || is_shard_name(name);
    if (ours && written.count(name) == 0) stale.push_back(it->path());
  }
  if (error) fail(model_dir, fmt::format("cannot list: {}", error.message()));
  for (const fs::path& path : stale)
    if (!fs::remove(path, error) && error)
      fail(path, fmt::format("cannot remove stale file: {}", error.message()));
}

}  // namespace

TensorStore::TensorStore(const fs::path& model_dir) {
  fs::path index_path = model_dir / kIndexFile;
  fs::path single_path = model_dir / kSingleFile;
  std::map<std::string, std::string> shard_of;
  std::map<std::string, const SafetensorsReader*> shards;
  if (path_exists(index_path)) {
    shard_of = read_weight_map(index_path);
    for (const auto& [tensor, shard] : shard_of) {
      if (shards.count(shard) > 0) continue;
      if (!path_exists(model_dir / shard))
        fail(index_path, fmt::format("tensor '{}': shard '{}' does not exist", tensor, shard));
      files_.push_back(std::make_unique<SafetensorsReader>(model_dir / shard));
      shards.emplace(shard, files_.back().get());
    }
  } else if (path_exists(single_path)) {
    files_.push_back(std::make_unique<SafetensorsReader>(single_path));
  } else {
    fail(model_dir, "no model.safetensors or model.safetensors.index.json");
  }

  for (const auto& [tensor, shard] : shard_of)
    if (shards.at(shard)->find(tensor) == nullptr)
      fail(index_path, fmt::format("tensor '{}' is not in its shard '{}'", tensor, shard));
  for (const auto& file : files_) {
    for (const TensorInfo& info : file->tensors()) {
      auto [it, added] = tensors_.emplace(info.name, StoredTensor{file.get(), &info});
      if (!added)
        fail(index_path,
             fmt::format("tensor '{}' is in two shards, '{}' and '{}'", info.name,
                         it->second.file->path().filename().string(), file->path().filename().string()));
    }
  }
}

std::vector<std::string> TensorStore::names() const {
  std::vector<std::string> names;
  names.reserve(tensors_.size());
  for (const auto& entry : tensors_) names.push_back(entry.first);
  return names;
}

const StoredTensor* TensorStore::find(std::string_view name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

void write_tensor_store(const fs::path& model_dir, const std::vector<TensorBytes>& tensors,
                        uint64_t max_shard_bytes) {
  check_unique_names(model_dir, tensors);
  std::error_code error;
  fs::create_directories(model_dir, error);
  if (error) fail(model_dir, fmt::format("cannot create folder: {}", error.message()));
  std::vector<std::vector<TensorBytes>> shards = split_into_shards(tensors, max_shard_bytes);
  if (shards.size() <= 1) {
    write_safetensors(model_dir / kSingleFile, tensors, kFileMetadata);
    remove_stale_files(model_dir, {kSingleFile});
    return;
  }
  std::set<std::string> written{kIndexFile};
  for (std::size_t i = 0; i < shards.size(); ++i) {
    write_safetensors(model_dir / shard_name(i, shards.size()), shards[i], kFileMetadata);
    written.insert(shard_name(i, shards.size()));
  }
  write_json_atomic(model_dir / kIndexFile, index_json(shards));  // last: it makes the new shards visible
  remove_stale_files(model_dir, written);
}

}  // namespace lethe::io
