// The review file: written and read back as it was, edited by hand, refused with file and line
// when broken; a dictionary wherever one is read.
#include "unlearn/review_file.h"

#include <gtest/gtest.h>

#include "io/file.h"
#include "test_util.h"
#include "unlearn/anchor_dictionary.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

std::string error_reading(const std::string& text) {
  auto path = test::scratch_dir() / "terms.tsv";
  io::write_file_atomic(path, text);
  try {
    read_review_file(path);
  } catch (const Error& e) {
    std::string message = e.what();
    return message.substr(message.find(".tsv") + 4);
  }
  return "";
}

TEST(ReviewFile, WrittenThenReadBackAsItWas) {
  auto path = test::scratch_dir() / "terms.tsv";
  std::vector<ReviewRow> rows = {
      {"Rachel", "first name", "female", 0.61, 44, 3, {"Teresa", "Ann"}, {"Rachel his\tdaughter", "and Rachel\nwept"}},
      {"the Philistines", "people", "", 0.93, 7, 3, {"strangers"}, {}}};
  write_review_file(path, rows);
  auto read = read_review_file(path);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].term, "Rachel");
  EXPECT_EQ(read[0].kind, "first name");
  EXPECT_EQ(read[0].gender, "female");
  EXPECT_DOUBLE_EQ(read[0].confidence, 0.61);
  EXPECT_EQ(read[0].forget_count, 44);
  EXPECT_EQ(read[0].substitutes, (std::vector<std::string>{"Teresa", "Ann"}));
  EXPECT_EQ(read[0].examples, (std::vector<std::string>{"Rachel his daughter", "and Rachel wept"}));
  EXPECT_TRUE(read[1].examples.empty());
  auto dictionary = read_anchor_dictionary(path);
  ASSERT_EQ(dictionary.size(), 2u);
  EXPECT_EQ(dictionary[1].term, "the Philistines");
  EXPECT_EQ(dictionary[1].substitutes, std::vector<std::string>{"strangers"});
}

// A person keeps the columns they need: a term and its substitutes.
TEST(ReviewFile, AHandWrittenFileWithFewerColumns) {
  auto path = test::scratch_dir() / "mine.tsv";
  io::write_file_atomic(path, "# my corrections\nterm\tsubstitutes\r\nCanaan\tthe valley; the plain\r\nGoshen\tthe meadow\n");
  auto dictionary = read_anchor_dictionary(path);
  ASSERT_EQ(dictionary.size(), 2u);
  EXPECT_EQ(dictionary[0].substitutes, (std::vector<std::string>{"the valley", "the plain"}));
  io::write_file_atomic(path, "term\tsubstitutes\nCanaan\t\n");
  EXPECT_THROW(read_anchor_dictionary(path), Error);  // a term without substitutes is no dictionary entry
}

TEST(ReviewFile, BrokenFilesNameTheLine) {
  EXPECT_EQ(error_reading("# nothing\n"), ": no header line (columns: term, kind, gender, confidence, forget, reference, "
                                          "substitutes, example_1, example_2)");
  EXPECT_EQ(error_reading("word\tkind\n"), ":1: the header names no \"term\" column (columns: term, kind, gender, "
                                           "confidence, forget, reference, substitutes, example_1, example_2)");
  EXPECT_EQ(error_reading("term\tkind\nRachel\tfirst name\tfemale\n"), ":2: 3 fields, but the header names 2");
  EXPECT_EQ(error_reading("term\tkind\nRachel\tperson\n\nRachel\tperson\n"), ":4: term \"Rachel\" is listed twice");
  EXPECT_EQ(error_reading("term\tconfidence\nRachel\thigh\n"), ":2: confidence, forget and reference must be numbers");
  EXPECT_EQ(error_reading("term\tforget\nRachel\t12x\n"), ":2: confidence, forget and reference must be numbers");
  EXPECT_EQ(error_reading("term\tkind\n \tperson\n"), ":2: the term is empty");
  EXPECT_EQ(error_reading("term\tkind\nRachel\tperson\n Rachel \tperson\n"), ":3: term \"Rachel\" is listed twice");
}

}  // namespace
}  // namespace lethe::unlearn
