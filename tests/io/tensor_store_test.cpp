#include "io/tensor_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/file.h"
#include "io/safetensors_test_util.h"
#include "test_util.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::expect_error;
using test::make_tensor;
using test::OwnedTensor;
using test::scratch_dir;

// Six tensors of 24 bytes each (the last of 0), in a non-alphabetical order.
std::vector<OwnedTensor> model_tensors() {
  return {
      make_tensor("model.layers.0.weight", DType::F32, {2, 3}, 1),
      make_tensor("model.embed", DType::BF16, {12}, 2),
      make_tensor("model.layers.1.weight", DType::F32, {6}, 3),
      make_tensor("lm_head", DType::I64, {3}, 4),
      make_tensor("model.norm", DType::F16, {3, 4}, 5),
      make_tensor("model.empty", DType::U8, {0}, 6),
  };
}

std::vector<std::string> sorted_names(const std::vector<OwnedTensor>& tensors) {
  std::vector<std::string> names;
  for (const OwnedTensor& tensor : tensors) names.push_back(tensor.name);
  std::sort(names.begin(), names.end());
  return names;
}

void expect_same_tensors(const TensorStore& store, const std::vector<OwnedTensor>& tensors) {
  EXPECT_EQ(store.names(), sorted_names(tensors));
  for (const OwnedTensor& tensor : tensors) {
    const StoredTensor* stored = store.find(tensor.name);
    ASSERT_NE(stored, nullptr) << tensor.name;
    EXPECT_EQ(stored->info->dtype, tensor.dtype);
    EXPECT_EQ(stored->info->shape, tensor.shape);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(stored->data()), stored->info->nbytes), tensor.bytes);
  }
  EXPECT_EQ(store.find("absent"), nullptr);
}

std::vector<std::string> folder_listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(TensorStore, SingleFile) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = model_tensors();
  write_tensor_store(dir, test::views(tensors));
  EXPECT_EQ(folder_listing(dir), std::vector<std::string>{"model.safetensors"});
  EXPECT_EQ(SafetensorsReader(dir / "model.safetensors").metadata().at("format"), "pt");
  expect_same_tensors(TensorStore(dir), tensors);
}

TEST(TensorStore, ShardedWithIndex) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = model_tensors();
  write_tensor_store(dir, test::views(tensors), 50);  // two 24-byte tensors per shard
  EXPECT_EQ(folder_listing(dir),
            (std::vector<std::string>{"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                      "model-00003-of-00003.safetensors", "model.safetensors.index.json"}));
  json index = read_json(dir / "model.safetensors.index.json");
  EXPECT_EQ(index["metadata"]["total_size"], 120);
  EXPECT_EQ(index["weight_map"]["model.layers.0.weight"], "model-00001-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["model.embed"], "model-00001-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["model.layers.1.weight"], "model-00002-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["model.empty"], "model-00003-of-00003.safetensors");
  expect_same_tensors(TensorStore(dir), tensors);
}

TEST(TensorStore, TensorLargerThanAShardGetsItsOwn) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = model_tensors();
  write_tensor_store(dir, test::views(tensors), 10);
  EXPECT_TRUE(fs::exists(dir / "model-00006-of-00006.safetensors"));  // one shard per tensor
  expect_same_tensors(TensorStore(dir), tensors);
}

TEST(TensorStore, RewritingRemovesTheOtherLayout) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = model_tensors();
  write_tensor_store(dir, test::views(tensors), 50);
  write_file_atomic(dir / "config.json", "{}");
  write_tensor_store(dir, test::views(tensors));
  EXPECT_EQ(folder_listing(dir), (std::vector<std::string>{"config.json", "model.safetensors"}));
  write_tensor_store(dir, test::views(tensors), 80);
  EXPECT_EQ(folder_listing(dir),
            (std::vector<std::string>{"config.json", "model-00001-of-00002.safetensors",
                                      "model-00002-of-00002.safetensors", "model.safetensors.index.json"}));
  expect_same_tensors(TensorStore(dir), tensors);
}

TEST(TensorStore, DuplicateNamesAreNotWritten) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = model_tensors();
  tensors.push_back(tensors.front());
  expect_error([&] { write_tensor_store(dir, test::views(tensors), 50); }, dir,
               "tensor 'model.layers.0.weight' given twice");
  EXPECT_TRUE(folder_listing(dir).empty());
}

// A folder with shards a.safetensors (x, y) and b.safetensors (z), and an index given as JSON.
fs::path folder_with_index(const json& weight_map) {
  fs::path dir = scratch_dir();
  OwnedTensor x = make_tensor("x", DType::F32, {2}, 1);
  OwnedTensor y = make_tensor("y", DType::F32, {2}, 2);
  OwnedTensor z = make_tensor("z", DType::F32, {2}, 3);
  write_safetensors(dir / "a.safetensors", test::views({x, y}));
  write_safetensors(dir / "b.safetensors", test::views({z}));
  write_json_atomic(dir / "model.safetensors.index.json", {{"weight_map", weight_map}});
  return dir;
}

TEST(TensorStore, IndexWithHandNamedShardsLoads) {
  fs::path dir = folder_with_index({{"x", "a.safetensors"}, {"z", "b.safetensors"}});
  TensorStore store(dir);
  EXPECT_EQ(store.names(), (std::vector<std::string>{"x", "y", "z"}))
      << "y is in a shard, though not indexed";
  EXPECT_EQ(store.find("z")->file->path(), dir / "b.safetensors");
}

TEST(TensorStore, IndexNamingAMissingShard) {
  fs::path dir = folder_with_index({{"x", "a.safetensors"}, {"w", "c.safetensors"}});
  expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json",
               "tensor 'w': shard 'c.safetensors' does not exist");
}

TEST(TensorStore, IndexNamingATensorAbsentFromItsShard) {
  fs::path dir = folder_with_index({{"x", "a.safetensors"}, {"z", "a.safetensors"}});
  expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json",
               "tensor 'z' is not in its shard 'a.safetensors'");
}

TEST(TensorStore, SameTensorInTwoShards) {
  fs::path dir = folder_with_index({{"x", "a.safetensors"}, {"z", "b.safetensors"}});
  OwnedTensor z = make_tensor("z", DType::F32, {2}, 3);
  OwnedTensor x = make_tensor("x", DType::F32, {2}, 4);
  write_safetensors(dir / "b.safetensors", test::views({z, x}));
  expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json",
               "tensor 'x' is in two shards, 'a.safetensors' and 'b.safetensors'");
}

TEST(TensorStore, IndexThatIsNotJson) {
  fs::path dir = scratch_dir();
  write_file_atomic(dir / "model.safetensors.index.json", "{\"weight_map\": {");
  expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json", "invalid JSON");
}

TEST(TensorStore, IndexWithoutWeightMap) {
  fs::path dir = scratch_dir();
  write_json_atomic(dir / "model.safetensors.index.json", {{"metadata", json::object()}});
  expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json",
               "\"weight_map\" is missing or not an object");
}

TEST(TensorStore, IndexWithNonStringShard) {
  fs::path dir = folder_with_index({{"x", 3}});
  expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json",
               "tensor 'x': shard 3 is not a string");
}

TEST(TensorStore, IndexReachingOutOfTheFolder) {
  for (const char* shard : {"../a.safetensors", "sub/a.safetensors", "..", ""}) {
    fs::path dir = folder_with_index({{"x", shard}});
    expect_error([&] { TensorStore store(dir); }, dir / "model.safetensors.index.json",
                 "is not a file name in the model folder");
  }
}

TEST(TensorStore, BrokenShardNamesItsFile) {
  fs::path dir = folder_with_index({{"x", "a.safetensors"}, {"z", "b.safetensors"}});
  write_file_atomic(dir / "b.safetensors", "short");
  expect_error([&] { TensorStore store(dir); }, dir / "b.safetensors",
               "shorter than the 8-byte header length");
}

TEST(TensorStore, EmptyFolder) {
  fs::path dir = scratch_dir();
  expect_error([&] { TensorStore store(dir); }, dir, "no model.safetensors or model.safetensors.index.json");
}

}  // namespace
}  // namespace lethe::io
