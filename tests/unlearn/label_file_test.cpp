// The label file: a round trip of hard and soft labels, its refusal when made from other inputs,
// an interrupted file continued, and clear errors on damaged files.
#include <gtest/gtest.h>

#include <fstream>

#include "io/file.h"
#include "test_util.h"
#include "unlearn/label_file.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

namespace fs = std::filesystem;

LabelFileHeader two_sets_soft() {
  LabelFileHeader h;
  h.block_length = 3;
  h.label_sets = 2;
  h.soft_top_k = 2;
  h.provenance = {{"base", "aa11"}, {"corpus", "cc33"}, {"alpha", {5.0, 2.0}}};
  return h;
}

LabelRecord record(int32_t base) {
  LabelRecord r;
  r.tokens = {base, base + 1, base + 2};
  r.labels = {{base + 10, -1, base + 12}, {base + 20, -1, -1}};
  r.soft_ids = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}};
  r.soft_probabilities = {{0.75f, 0.25f, 0.5f, 0.5f, 1, 0}, {0.1f, 0.9f, 0, 0, 0.6f, 0.4f}};
  return r;
}

TEST(LabelFile, RoundTripOfHardAndSoftLabels) {
  auto path = test::scratch_dir() / "labels.bin";
  LabelFileWriter writer(path, two_sets_soft());
  for (int b = 0; b < 5; ++b) writer.append(record(100 * b));
  EXPECT_FALSE(fs::exists(path));  // not before commit
  writer.commit();
  LabelFileReader reader(path);
  EXPECT_EQ(reader.block_count(), 5);
  EXPECT_EQ(reader.header().provenance, two_sets_soft().provenance);
  for (int b = 4; b >= 0; --b) {
    auto r = reader.read(b), expected = record(100 * b);
    EXPECT_EQ(r.tokens, expected.tokens);
    EXPECT_EQ(r.labels, expected.labels);
    EXPECT_EQ(r.soft_ids, expected.soft_ids);
    EXPECT_EQ(r.soft_probabilities, expected.soft_probabilities);
  }
  EXPECT_THROW(reader.read(5), Error);
  EXPECT_NO_THROW(reader.require_provenance({{"base", "aa11"}, {"alpha", {5.0, 2.0}}}));
  try {
    reader.require_provenance({{"base", "bb22"}, {"corpus", "cc33"}, {"dictionary", "dd44"}});
    FAIL() << "accepted labels of another model";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("base"), std::string::npos) << message;
    EXPECT_NE(message.find("dictionary"), std::string::npos) << message;
    EXPECT_EQ(message.find("corpus"), std::string::npos) << message;
  }
}

TEST(LabelFile, AnInterruptedFileIsContinuedFromItsWholeRecords) {
  auto path = test::scratch_dir() / "labels.bin";
  auto partial = io::PartialFile::partial_path(path);
  {
    LabelFileWriter writer(path, two_sets_soft());
    writer.append(record(0));
    writer.append(record(100));
    writer.sync();
  }  // interrupted: never committed
  EXPECT_FALSE(fs::exists(path));
  std::ofstream(partial, std::ios::app) << "half a record";  // a crash in the middle of the next one

  LabelFileWriter writer(path, two_sets_soft());
  EXPECT_EQ(writer.records(), 2);
  EXPECT_THROW(writer.keep_records(3), Error);
  writer.append(record(200));
  writer.commit();
  EXPECT_FALSE(fs::exists(partial));
  LabelFileReader reader(path);
  ASSERT_EQ(reader.block_count(), 3);
  EXPECT_EQ(reader.read(1).tokens, record(100).tokens);
  EXPECT_EQ(reader.read(2).labels, record(200).labels);
}

TEST(LabelFile, APartialFileOfOtherInputsIsStartedAfresh) {
  auto path = test::scratch_dir() / "labels.bin";
  {
    LabelFileWriter writer(path, two_sets_soft());
    writer.append(record(0));
  }
  auto other = two_sets_soft();
  other.provenance["base"] = "bb22";
  LabelFileWriter writer(path, other);
  EXPECT_EQ(writer.records(), 0);
  writer.append(record(300));
  writer.commit();
  LabelFileReader reader(path);
  EXPECT_EQ(reader.block_count(), 1);
  EXPECT_EQ(reader.header().provenance, other.provenance);
  EXPECT_EQ(reader.read(0).tokens, record(300).tokens);
}

TEST(LabelFile, RecordsThatDoNotFitTheHeaderAreRefused) {
  LabelFileWriter writer(test::scratch_dir() / "labels.bin", two_sets_soft());
  auto r = record(0);
  r.tokens.pop_back();
  EXPECT_THROW(writer.append(r), Error);
  r = record(0);
  r.labels.pop_back();
  EXPECT_THROW(writer.append(r), Error);
  r = record(0);
  r.soft_probabilities[1].pop_back();
  EXPECT_THROW(writer.append(r), Error);
}

TEST(LabelFile, DamagedFilesGiveClearErrors) {
  auto dir = test::scratch_dir();
  auto path = dir / "labels.bin";
  LabelFileWriter writer(path, two_sets_soft());
  writer.append(record(0));
  writer.append(record(1));
  writer.commit();
  std::string bytes = io::read_file(path);
  auto expect_error = [&](const std::string& content, const std::string& words) {
    io::write_file_atomic(dir / "bad.bin", content);
    try {
      LabelFileReader reader(dir / "bad.bin");
      ADD_FAILURE() << "accepted a file that should say: " << words;
    } catch (const Error& e) {
      std::string message = e.what();
      EXPECT_NE(message.find("bad.bin"), std::string::npos) << message;
      EXPECT_NE(message.find(words), std::string::npos) << message;
    }
  };
  expect_error(bytes.substr(0, bytes.size() - 7), "truncated");
  expect_error("LETHELBX" + bytes.substr(8), "not a lethe label file");
  expect_error(bytes.substr(0, 10), "not a lethe label file");
  std::string version = bytes;
  version[8] = 9;
  expect_error(version, "version");
  std::string header = bytes;
  header[12] = static_cast<char>(0xff);
  header[15] = static_cast<char>(0x7f);
  expect_error(header, "past the end");
  std::string json = bytes;
  json[20] = '#';
  expect_error(json, "header");
  EXPECT_THROW(LabelFileReader(dir / "missing.bin"), Error);
}

}  // namespace
}  // namespace lethe::unlearn
