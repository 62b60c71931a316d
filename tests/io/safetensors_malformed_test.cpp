// Malformed safetensors files, each built from a valid one by a single change, must be refused
// with an error that names the file and says what is wrong.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "io/safetensors_test_util.h"
#include "test_util.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::safetensors_bytes;

const std::string kData(16, 'd');

// a: F32 [2] at [0, 8), b: I64 [1] at [8, 16), and metadata.
json valid_header() {
  return {{"a", {{"dtype", "F32"}, {"shape", json::array({2})}, {"data_offsets", json::array({0, 8})}}},
          {"b", {{"dtype", "I64"}, {"shape", json::array({1})}, {"data_offsets", json::array({8, 16})}}},
          {"__metadata__", {{"format", "pt"}}}};
}

std::string valid_file() { return safetensors_bytes(valid_header().dump(), kData); }

std::string with_header(const std::function<void(json&)>& edit, const std::string& data = kData) {
  json header = valid_header();
  edit(header);
  return safetensors_bytes(header.dump(), data);
}

// The valid header's text with one substring replaced: for what json objects cannot express.
std::string with_header_text(const std::string& from, const std::string& to) {
  std::string text = valid_header().dump();
  std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return safetensors_bytes(text.replace(at, from.size(), to), kData);
}

struct MalformedCase {
  std::string name;
  std::function<std::string()> file_bytes;
  std::string reason;  // must appear in the error message
};

std::vector<MalformedCase> malformed_cases() {
  std::string valid = valid_file();
  std::size_t header_size = valid_header().dump().size();
  return {
      {"EmptyFile", [] { return std::string(); }, "file is 0 bytes, shorter than the 8-byte header length"},
      {"SevenBytes", [=] { return valid.substr(0, 7); }, "file is 7 bytes, shorter than"},
      {"TruncatedData", [=] { return valid.substr(0, valid.size() - 3); },
       "tensor 'b': data_offsets [8, 16] run past the end of the data section (13 bytes)"},
      {"TruncatedHeader", [=] { return valid.substr(0, 8 + header_size / 2); },
       "runs past the end of the file"},
      {"HeaderLengthPastEnd", [=] { return test::le64(header_size + 17) + valid.substr(8); },
       "runs past the end of the file"},
      {"HeaderLengthHuge", [=] { return test::le64(uint64_t{1} << 62) + valid.substr(8); },
       "exceeds the 100 MiB limit"},
      {"HeaderLengthZero", [=] { return test::le64(0) + valid.substr(8); }, "header length is 0"},
      {"HeaderNotJson", [] { return safetensors_bytes("{\"a\": nope}", ""); }, "header is not valid JSON"},
      {"HeaderInvalidUtf8", [] { return safetensors_bytes("{\"\xff\": 1}", ""); },
       "header is not valid JSON"},
      {"HeaderNumberOverflow", [] { return safetensors_bytes("{\"a\": 1e999}", ""); },
       "header is not valid JSON"},
      {"HeaderTrailingGarbage", [] { return safetensors_bytes("{}x", ""); }, "header is not valid JSON"},
      {"HeaderJsonArray", [] { return safetensors_bytes("[1, 2]", ""); }, "header is not a JSON object"},
      {"EntryNotObject", [] { return with_header([](json& h) { h["a"] = 5; }); },
       "tensor 'a': entry is not a JSON object"},
      {"MissingDtype", [] { return with_header([](json& h) { h["a"].erase("dtype"); }); },
       "tensor 'a': missing \"dtype\""},
      {"MissingShape", [] { return with_header([](json& h) { h["b"].erase("shape"); }); },
       "tensor 'b': missing \"shape\""},
      {"MissingDataOffsets", [] { return with_header([](json& h) { h["a"].erase("data_offsets"); }); },
       "tensor 'a': missing \"data_offsets\""},
      {"DtypeNotString", [] { return with_header([](json& h) { h["a"]["dtype"] = 4; }); },
       "\"dtype\" is not a string"},
      {"UnknownDtype", [] { return with_header([](json& h) { h["a"]["dtype"] = "F8"; }); },
       "tensor 'a': unknown dtype 'F8'"},
      {"ShapeNotArray", [] { return with_header([](json& h) { h["a"]["shape"] = 2; }); },
       "\"shape\" is not an array"},
      {"ShapeTimesDtypeMismatch",
       [] { return with_header([](json& h) { h["a"]["shape"] = json::array({3}); }); },
       "tensor 'a': data_offsets [0, 8] hold 8 bytes, but shape [3] of F32 needs 12 bytes"},
      {"NegativeDimension", [] { return with_header([](json& h) { h["a"]["shape"] = json::array({-2}); }); },
       "tensor 'a': negative dimension -2 in shape"},
      {"FractionalDimension",
       [] { return with_header([](json& h) { h["a"]["shape"] = json::array({2.5}); }); },
       "shape dimension 2.5 is not an integer"},
      {"DimensionAboveInt64",
       [] { return with_header_text("\"shape\":[2]", "\"shape\":[18446744073709551615]"); },
       "shape dimension 18446744073709551615 is too large"},
      {"ShapeOverflow",
       [] { return with_header([](json& h) {
              h["a"]["shape"] = json::array({1ULL << 32, 1ULL << 32});
            }); },
       "tensor 'a': shape [4294967296,4294967296] of F32 overflows 64 bits"},
      {"DataOffsetsWrongType", [] { return with_header([](json& h) { h["a"]["data_offsets"] = "0,8"; }); },
       "tensor 'a': \"data_offsets\" \"0,8\" is not two non-negative integers"},
      {"DataOffsetsThreeNumbers",
       [] { return with_header([](json& h) {
              h["a"]["data_offsets"] = {0, 4, 8};
            }); },
       "is not two non-negative integers"},
      {"DataOffsetsNegative", [] { return with_header([](json& h) {
                                     h["a"]["data_offsets"] = {-8, 0};
                                   }); },
       "is not two non-negative integers"},
      {"DataOffsetsReversed", [] { return with_header([](json& h) {
                                     h["a"]["data_offsets"] = {8, 0};
                                   }); },
       "tensor 'a': data_offsets [8, 0] end before they begin"},
      {"OffsetsPastEnd", [] { return with_header([](json& h) {
                                h["b"]["data_offsets"] = {16, 24};
                              }); },
       "tensor 'b': data_offsets [16, 24] run past the end of the data section (16 bytes)"},
      {"OverlappingOffsets", [] { return with_header([](json& h) {
                                    h["b"]["data_offsets"] = {4, 12};
                                  }); },
       "tensor 'b': bytes [4, 12) overlap tensor 'a' [0, 8)"},
      {"GapInDataSection",
       [] {
         return with_header([](json& h) { h["b"]["data_offsets"] = {12, 20}; }, std::string(20, 'd'));
       },
       "gap in the data section: bytes [8, 12) belong to no tensor"},
      {"TrailingDataBytes", [] { return valid_file() + "xyz"; },
       "gap in the data section: bytes [16, 19) belong to no tensor"},
      {"NoTensorsButData", [] { return safetensors_bytes("{}", "abcd"); },
       "gap in the data section: bytes [0, 4)"},
      {"DuplicateTensorName",
       [] {
         return safetensors_bytes(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                                  R"("a":{"dtype":"U8","shape":[8],"data_offsets":[8,16]}})",
                                  kData);
       },
       "tensor 'a': appears twice in the header"},
      {"DuplicateKeyInEntry",
       [] { return with_header_text("\"dtype\":\"I64\"", "\"dtype\":\"I64\",\"dtype\":\"U8\""); },
       "tensor 'b': duplicate key \"dtype\""},
      {"DuplicateMetadata",
       [] {
         return with_header_text("\"__metadata__\":{\"format\":\"pt\"}",
                                 "\"__metadata__\":{},\"__metadata__\":{\"format\":\"pt\"}");
       },
       "\"__metadata__\" appears twice"},
      {"MetadataNonStringValue", [] { return with_header([](json& h) { h["__metadata__"]["format"] = 1; }); },
       "\"__metadata__\" value of 'format' is not a string"},
      {"MetadataNotObject", [] { return with_header([](json& h) { h["__metadata__"] = "pt"; }); },
       "\"__metadata__\" is not a JSON object"},
  };
}

class SafetensorsMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(SafetensorsMalformed, IsRefusedWithReason) {
  fs::path path = test::scratch_dir() / "model.safetensors";
  test::write_bytes(path, GetParam().file_bytes());
  test::expect_error([&] { SafetensorsReader reader(path); }, path, path.string() + ": ");
  test::expect_error([&] { SafetensorsReader reader(path); }, path, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(Cases, SafetensorsMalformed, ::testing::ValuesIn(malformed_cases()),
                         [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

TEST(SafetensorsMalformedBaseline, ValidFileLoads) {
  fs::path path = test::scratch_dir() / "model.safetensors";
  test::write_bytes(path, valid_file());
  SafetensorsReader reader(path);
  EXPECT_EQ(reader.tensors().size(), 2u);
  EXPECT_EQ(reader.metadata().at("format"), "pt");
}

TEST(SafetensorsMalformedBaseline, MissingFileAndFolderAreRefused) {
  fs::path dir = test::scratch_dir();
  test::expect_error([&] { SafetensorsReader reader(dir / "absent.safetensors"); },
                     dir / "absent.safetensors", "cannot open: No such file or directory");
  test::expect_error([&] { SafetensorsReader reader(dir); }, dir, "not a regular file");
}

}  // namespace
}  // namespace lethe::io
