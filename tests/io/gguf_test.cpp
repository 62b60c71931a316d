// GGUF files: what the writer writes, the reader reads back, checked byte by byte against the
// format's layout; and every truncation or corruption of a file is refused with a clear error.
#include "io/gguf.h"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "io/file.h"
#include "test_util.h"
#include "util/error.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;

// A file with one value of every scalar type, arrays of numbers and strings, and three tensors
// whose data are their byte counts of a running counter.
fs::path write_sample(const fs::path& dir) {
  GgufWriter writer;
  writer.add("general.architecture", GgufValueType::kString, "llama");
  writer.add("u8", GgufValueType::kUint8, 200);
  writer.add("i8", GgufValueType::kInt8, -100);
  writer.add("u16", GgufValueType::kUint16, 60000);
  writer.add("i16", GgufValueType::kInt16, -30000);
  writer.add("u32", GgufValueType::kUint32, 4000000000u);
  writer.add("i32", GgufValueType::kInt32, -2000000000);
  writer.add("f32", GgufValueType::kFloat32, 0.5);
  writer.add("bool", GgufValueType::kBool, true);
  writer.add("u64", GgufValueType::kUint64, 1ULL << 40);
  writer.add("i64", GgufValueType::kInt64, -(1LL << 40));
  writer.add("f64", GgufValueType::kFloat64, 0.1);
  writer.add_array("tokens", GgufValueType::kString, {"a", "\xe2\x96\x81" "b", ""});
  writer.add_array("types", GgufValueType::kInt32, {1, 3, 6});
  writer.add_tensor("token_embd.weight", GgmlType::kF16, {3, 5});  // 30 bytes
  writer.add_tensor("norm.weight", GgmlType::kF32, {5});           // 20 bytes
  writer.add_tensor("q.weight", GgmlType::kQ8_0, {2, 64});         // 4 blocks of 34 bytes
  const fs::path path = dir / "sample.gguf";
  writer.write(path, [](const GgufTensor& t) {
    std::string bytes(t.nbytes, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i + t.name.size());
    return bytes;
  });
  return path;
}

uint64_t le(const std::string& bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

GgufContents parse(const std::string& bytes) {
  std::istringstream in(bytes);
  return parse_gguf(in, bytes.size(), "test.gguf");
}

TEST(Gguf, HeaderLayoutIsVersion3WithCountsFirst) {
  const std::string bytes = read_file(write_sample(test::scratch_dir()));
  EXPECT_EQ(bytes.substr(0, 4), "GGUF");
  EXPECT_EQ(le(bytes, 4, 4), 3u);
  EXPECT_EQ(le(bytes, 8, 8), 3u);    // tensors
  EXPECT_EQ(le(bytes, 16, 8), 14u);  // metadata
  // The first key: its length (20), its bytes, the string type (8), the value's length and bytes.
  EXPECT_EQ(le(bytes, 24, 8), 20u);
  EXPECT_EQ(bytes.substr(32, 20), "general.architecture");
  EXPECT_EQ(le(bytes, 52, 4), 8u);
  EXPECT_EQ(le(bytes, 56, 8), 5u);
  EXPECT_EQ(bytes.substr(64, 5), "llama");
}

TEST(Gguf, ReadsBackEveryValueAndTensor) {
  const fs::path path = write_sample(test::scratch_dir());
  const GgufContents contents = read_gguf(path);
  EXPECT_EQ(contents.version, 3u);
  ASSERT_EQ(contents.metadata.size(), 14u);
  EXPECT_EQ(contents.find("general.architecture")->value, "llama");
  EXPECT_EQ(contents.find("u8")->value, 200);
  EXPECT_EQ(contents.find("i8")->value, -100);
  EXPECT_EQ(contents.find("u16")->value, 60000);
  EXPECT_EQ(contents.find("i16")->value, -30000);
  EXPECT_EQ(contents.find("u32")->value, 4000000000u);
  EXPECT_EQ(contents.find("i32")->value, -2000000000);
  EXPECT_EQ(contents.find("f32")->value, 0.5);
  EXPECT_EQ(contents.find("bool")->value, true);
  EXPECT_EQ(contents.find("u64")->value, 1ULL << 40);
  EXPECT_EQ(contents.find("i64")->value, -(1LL << 40));
  EXPECT_EQ(contents.find("f64")->value, 0.1);
  EXPECT_EQ(contents.find("tokens")->element_type, GgufValueType::kString);
  EXPECT_EQ(contents.find("tokens")->value, nlohmann::json({"a", "\xe2\x96\x81" "b", ""}));
  EXPECT_EQ(contents.find("types")->value, nlohmann::json({1, 3, 6}));
  EXPECT_EQ(contents.find("absent"), nullptr);

  ASSERT_EQ(contents.tensors.size(), 3u);
  EXPECT_EQ(contents.tensors[0].shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(contents.tensors[0].nbytes, 30u);
  // Each tensor starts on a 32-byte boundary of the data section, which starts on one itself.
  EXPECT_EQ(contents.tensors[1].offset, 32u);
  EXPECT_EQ(contents.tensors[2].offset, 64u);
  EXPECT_EQ(contents.tensors[2].nbytes, 4u * 34u);
  EXPECT_EQ(contents.data_offset % 32, 0u);
  const std::string bytes = read_file(path);
  EXPECT_EQ(bytes.size(), contents.data_offset + 64 + 136);
  // Dimensions are stored innermost first: q.weight (2, 64) is written as 64, 2.
  const auto at = bytes.find("q.weight");
  EXPECT_EQ(le(bytes, at + 8, 4), 2u);
  EXPECT_EQ(le(bytes, at + 12, 8), 64u);
  EXPECT_EQ(le(bytes, at + 20, 8), 2u);
  EXPECT_EQ(le(bytes, at + 28, 4), 8u);  // GGML_TYPE_Q8_0
  EXPECT_EQ(static_cast<unsigned char>(bytes[contents.data_offset + 64 + 5]), 5 + 8);  // the counter
}

TEST(Gguf, Q8_0NeedsWholeBlocks) {
  EXPECT_EQ(ggml_nbytes(GgmlType::kQ8_0, {4, 96}), 4u * 3u * 34u);
  EXPECT_THROW(ggml_nbytes(GgmlType::kQ8_0, {4, 48}), Error);
}

TEST(Gguf, EveryTruncationIsRefused) {
  const std::string bytes = read_file(write_sample(test::scratch_dir()));
  for (size_t length = 0; length < bytes.size(); ++length) {
    // The last tensor's bytes are the file's end: any cut reaches into them or into the header.
    EXPECT_THROW(parse(bytes.substr(0, length)), Error) << length;
  }
}

TEST(Gguf, CorruptionsNameWhatIsWrong) {
  const std::string good = read_file(write_sample(test::scratch_dir()));
  auto expect_error = [&](std::string bytes, const std::string& words) {
    try {
      parse(bytes);
      ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("test.gguf"), std::string::npos) << e.what();
    }
  };
  auto patch = [&](size_t at, uint64_t value, int width) {
    std::string bytes = good;
    for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
    return bytes;
  };
  expect_error(patch(0, 'X', 1), "does not start with \"GGUF\"");
  expect_error(patch(4, 7, 4), "version 7");
  expect_error(patch(16, 1ULL << 60, 8), "not a valid GGUF file");  // the 15th key is read from tensor infos
  expect_error(patch(24, 1ULL << 62, 8), "runs past the end");  // a key longer than the file
  expect_error(patch(52, 13, 4), "type 13");
  const auto tokens = good.find("tokens");
  expect_error(patch(tokens + 14, 1ULL << 61, 8), "more than the file holds");
  const auto q = good.find("q.weight");
  expect_error(patch(q + 8, 5, 4), "5 dimensions");
  expect_error(patch(q + 12, 0, 8), "dimension of 0");
  expect_error(patch(q + 12, 1ULL << 62, 8), "dimension of");
  expect_error(patch(q + 28, 2, 4), "ggml type 2");
  expect_error(patch(q + 32, 65, 8), "not a multiple of the alignment");
  expect_error(patch(q + 32, 1ULL << 40, 8), "past the end of the data section");
  std::string twice = good;
  twice.replace(good.find("u16"), 3, "u32");
  expect_error(twice, "'u32' appears twice");
}

}  // namespace
}  // namespace lethe::io
