#include "io/file.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/safetensors_test_util.h"
#include "test_util.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::scratch_dir;

std::vector<std::string> folder_listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(File, WriteFileAtomicReplacesContentAndLeavesNoTempFile) {
  fs::path dir = scratch_dir();
  fs::path path = dir / "data.bin";
  write_file_atomic(path, "first, longer content");
  write_file_atomic(path, std::string("sec\0nd", 6));
  EXPECT_EQ(read_file(path), std::string("sec\0nd", 6));
  EXPECT_EQ(folder_listing(dir), std::vector<std::string>{"data.bin"});
}

TEST(File, AtomicFileWritesPiecesOnCommit) {
  fs::path dir = scratch_dir();
  fs::path path = dir / "pieces.txt";
  AtomicFile file(path);
  file.write("abc", 3);
  file.write("", 0);
  file.write("def", 3);
  EXPECT_FALSE(fs::exists(path)) << "visible before commit";
  file.commit();
  EXPECT_EQ(read_file(path), "abcdef");
  EXPECT_EQ(folder_listing(dir), std::vector<std::string>{"pieces.txt"});
  expect_error([&] { file.write("x", 1); }, path, "after commit");
}

TEST(File, AtomicFileWithoutCommitRemovesTempAndKeepsTarget) {
  fs::path dir = scratch_dir();
  fs::path path = dir / "target.txt";
  write_file_atomic(path, "old");
  {
    AtomicFile file(path);
    file.write("new content", 11);
    EXPECT_EQ(folder_listing(dir).size(), 2u) << "the temporary file should exist while writing";
  }
  EXPECT_EQ(read_file(path), "old");
  EXPECT_EQ(folder_listing(dir), std::vector<std::string>{"target.txt"});
}

TEST(File, AtomicFileInMissingFolderNamesThePath) {
  fs::path path = scratch_dir() / "missing" / "out.txt";
  expect_error([&] { AtomicFile file(path); }, path, "cannot create temporary file");
}

TEST(File, ReadFileErrorNamesPathAndReason) {
  fs::path path = scratch_dir() / "absent.txt";
  expect_error([&] { read_file(path); }, path, ": cannot read: No such file or directory");
}

TEST(File, ReadFileOfFolderFails) {
  fs::path dir = scratch_dir();
  expect_error([&] { read_file(dir); }, dir, "cannot read: Is a directory");
}

TEST(File, JsonRoundTripEndsWithNewline) {
  fs::path path = scratch_dir() / "value.json";
  nlohmann::json value = {{"name", "lethe"}, {"sizes", {1, 2, 3}}, {"nested", {{"ok", true}}}};
  write_json_atomic(path, value);
  EXPECT_EQ(read_json(path), value);
  std::string text = read_file(path);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
}

TEST(File, ReadJsonErrorNamesPathAndByte) {
  fs::path path = scratch_dir() / "broken.json";
  write_file_atomic(path, "{\"a\": 1,, }");
  expect_error([&] { read_json(path); }, path, ": invalid JSON: ");
  expect_error([&] { read_json(path); }, path, "(byte 9)");
}

TEST(File, ReadJsonNumberOverflowIsAnError) {
  fs::path path = scratch_dir() / "overflow.json";
  write_file_atomic(path, "[1e999]");
  expect_error([&] { read_json(path); }, path, "invalid JSON");
}

}  // namespace
}  // namespace lethe::io
