#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/file.h"
#include "io/safetensors.h"
#include "io/safetensors_test_util.h"
#include "test_util.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;
using test::make_tensor;
using test::OwnedTensor;
using test::scratch_dir;

std::vector<OwnedTensor> sample_tensors() {
  return {
      make_tensor("model.embed.weight", DType::F32, {3, 5}, 1),
      make_tensor("model.norm.weight", DType::F16, {7}, 2),
      make_tensor("lm_head.weight", DType::BF16, {2, 3, 2}, 3),
      make_tensor("positions", DType::I64, {4}, 4),
      make_tensor("empty", DType::F32, {0, 4}, 5),
      make_tensor("scalar", DType::F64, {}, 6),
  };
}

std::string bytes_of(const SafetensorsReader& reader, const TensorInfo& info) {
  return std::string(reinterpret_cast<const char*>(reader.data(info)), info.nbytes);
}

// Rebuilds the tensors to write from what a reader holds, in its (offset) order.
std::vector<TensorBytes> views_of(const SafetensorsReader& reader) {
  std::vector<TensorBytes> result;
  for (const TensorInfo& info : reader.tensors())
    result.push_back({info.name, info.dtype, info.shape, reader.data(info), info.nbytes});
  return result;
}

TEST(SafetensorsRoundTrip, ReadsBackWhatWasWrittenAndRewritesBitExact) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = sample_tensors();
  std::map<std::string, std::string> metadata{{"format", "pt"}, {"note", "ünïcödé"}};
  write_safetensors(dir / "a.safetensors", test::views(tensors), metadata);

  SafetensorsReader reader(dir / "a.safetensors");
  EXPECT_EQ(reader.path(), dir / "a.safetensors");
  EXPECT_EQ(reader.metadata(), metadata);
  ASSERT_EQ(reader.tensors().size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo& info = reader.tensors()[i];
    SCOPED_TRACE(tensors[i].name);
    EXPECT_EQ(info.name, tensors[i].name) << "tensors() should keep the written (offset) order";
    EXPECT_EQ(info.dtype, tensors[i].dtype);
    EXPECT_EQ(info.shape, tensors[i].shape);
    EXPECT_EQ(bytes_of(reader, info), tensors[i].bytes);
    EXPECT_EQ(reader.find(tensors[i].name), &info);
  }
  EXPECT_EQ(reader.find("absent"), nullptr);
  EXPECT_EQ(reader.find(""), nullptr);

  write_safetensors(dir / "b.safetensors", views_of(reader), reader.metadata());
  EXPECT_EQ(read_file(dir / "a.safetensors"), read_file(dir / "b.safetensors"));
}

TEST(SafetensorsRoundTrip, HeaderIsPaddedToEightBytes) {
  fs::path path = scratch_dir() / "padded.safetensors";
  std::vector<OwnedTensor> tensors = sample_tensors();
  for (std::size_t count = 0; count <= tensors.size(); ++count) {
    std::vector<OwnedTensor> some(tensors.begin(), tensors.begin() + count);
    write_safetensors(path, test::views(some));
    std::string file = read_file(path);
    uint64_t header_length = test::header_length_of(file);
    EXPECT_EQ(header_length % 8, 0u) << count << " tensors";
    std::string header = file.substr(8, header_length);
    EXPECT_EQ(header.find_first_not_of(' ', header.rfind('}') + 1), std::string::npos) << "padding is spaces";
    SafetensorsReader reader(path);
    EXPECT_EQ(reader.tensors().size(), count);
  }
}

TEST(SafetensorsRoundTrip, EmptyFileWithoutTensorsLoads) {
  fs::path path = scratch_dir() / "empty.safetensors";
  write_safetensors(path, {});
  SafetensorsReader reader(path);
  EXPECT_TRUE(reader.tensors().empty());
  EXPECT_TRUE(reader.metadata().empty());

  test::write_bytes(path, test::safetensors_bytes("{}", ""));
  EXPECT_TRUE(SafetensorsReader(path).tensors().empty());
}

TEST(SafetensorsRoundTrip, TensorsAreSortedByOffsetWhateverTheHeaderOrder) {
  fs::path path = scratch_dir() / "order.safetensors";
  std::string header = R"({"z":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                       R"("a":{"dtype":"U8","shape":[3],"data_offsets":[2,5]},)"
                       R"("m":{"dtype":"U8","shape":[0],"data_offsets":[2,2]}})";
  test::write_bytes(path, test::safetensors_bytes(header, "zzaaa"));
  SafetensorsReader reader(path);
  ASSERT_EQ(reader.tensors().size(), 3u);
  EXPECT_EQ(reader.tensors()[0].name, "z");
  EXPECT_EQ(reader.tensors()[1].name, "m");
  EXPECT_EQ(reader.tensors()[2].name, "a");
  EXPECT_EQ(bytes_of(reader, *reader.find("a")), "aaa");
  EXPECT_EQ(bytes_of(reader, *reader.find("z")), "zz");
}

TEST(SafetensorsRoundTrip, ManyTensorsAreFoundByName) {
  fs::path path = scratch_dir() / "many.safetensors";
  std::vector<OwnedTensor> tensors;
  for (unsigned i = 0; i < 400; ++i)
    tensors.push_back(make_tensor("layer." + std::to_string(i), DType::I8, {3}, i));
  write_safetensors(path, test::views(tensors));
  SafetensorsReader reader(path);
  for (const OwnedTensor& tensor : tensors) {
    const TensorInfo* info = reader.find(tensor.name);
    ASSERT_NE(info, nullptr) << tensor.name;
    EXPECT_EQ(bytes_of(reader, *info), tensor.bytes);
  }
}

TEST(SafetensorsRoundTrip, MovedReaderKeepsTheMapping) {
  fs::path dir = scratch_dir();
  std::vector<OwnedTensor> tensors = sample_tensors();
  write_safetensors(dir / "a.safetensors", test::views(tensors));
  write_safetensors(dir / "b.safetensors", test::views({tensors[1]}));

  SafetensorsReader first(dir / "a.safetensors");
  SafetensorsReader moved(std::move(first));
  EXPECT_EQ(bytes_of(moved, *moved.find(tensors[0].name)), tensors[0].bytes);

  SafetensorsReader other(dir / "b.safetensors");
  other = std::move(moved);  // unmaps b, takes a
  EXPECT_EQ(other.path(), dir / "a.safetensors");
  EXPECT_EQ(bytes_of(other, *other.find(tensors[3].name)), tensors[3].bytes);
}

TEST(SafetensorsWrite, RejectsInconsistentTensors) {
  fs::path path = scratch_dir() / "bad.safetensors";
  OwnedTensor tensor = make_tensor("t", DType::F32, {2, 2}, 1);
  TensorBytes short_bytes = tensor.view();
  short_bytes.nbytes = 12;
  test::expect_error([&] { write_safetensors(path, {short_bytes}); }, path,
                     "tensor 't': has 12 bytes, but shape [2,2] of F32 needs 16");
  TensorBytes negative = tensor.view();
  negative.shape = {-2, -2};
  test::expect_error([&] { write_safetensors(path, {negative}); }, path, "negative dimension");
  test::expect_error(
      [&] {
        write_safetensors(path, {tensor.view(), tensor.view()});
      },
      path, "tensor 't': given twice");
  TensorBytes reserved = tensor.view();
  reserved.name = "__metadata__";
  test::expect_error([&] { write_safetensors(path, {reserved}); }, path, "reserved");
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace lethe::io
