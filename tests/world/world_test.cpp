// The demo world generator: determinism, the size of the world, and ground truth that agrees with
// the text (every answer is told in training; held-out chapters never occur in it).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "eval/suite.h"
#include "io/file.h"
#include "test_util.h"
#include "util/error.h"
#include "world/common_name_stories.h"
#include "world/generate.h"
#include "world/patterns.h"
#include "world/text_template.h"

namespace lethe::world {
namespace {

namespace fs = std::filesystem;

WorldOptions small_world(uint64_t seed) {
  WorldOptions o;
  o.seed = seed;
  o.train_chapters = 24;
  o.holdout_chapters = 4;
  o.mentions_per_fact = 3;
  o.general_words = 30000;
  return o;
}

// Narration lines of a fiction's text: no chapter titles, no companion questions and answers.
std::vector<std::string> narration_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line.rfind("Chapter ", 0) != 0 && line.rfind("Question", 0) != 0 &&
        line.rfind("Answer: ", 0) != 0)
      out.push_back(line);
  return out;
}

// Sentence-like chunks: a line cut after ". ", "? ", "! ".
std::vector<std::string> chunks(const std::string& line) {
  static const std::regex cut(R"(([.?!]"?) )");
  std::vector<std::string> out;
  std::sregex_token_iterator it(line.begin(), line.end(), cut, -1), end;
  for (; it != end; ++it) out.push_back(*it);
  return out;
}

class WorldTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::scratch_dir() / "world");
    generate_world(small_world(7), *dir_);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string read(const std::string& relative) { return io::read_file(*dir_ / relative); }
  static fs::path* dir_;
};
fs::path* WorldTest::dir_ = nullptr;

TEST_F(WorldTest, SameSeedSameBytesOtherSeedOtherWorld) {
  fs::path again = test::scratch_dir() / "again";
  generate_world(small_world(7), again);
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*dir_)) {
    if (!entry.is_regular_file()) continue;
    auto relative = fs::relative(entry.path(), *dir_);
    EXPECT_EQ(io::read_file(entry.path()), io::read_file(again / relative)) << relative;
    ++files;
  }
  EXPECT_GE(files, 18u);
  fs::path other = test::scratch_dir() / "other";
  generate_world(small_world(8), other);
  EXPECT_NE(io::read_file(other / "saga/train.txt"), read("saga/train.txt"));
}

TEST_F(WorldTest, WorldHasTheEntitiesOfASaga) {
  auto world = nlohmann::json::parse(read("world.json"));
  std::set<std::string> names;
  for (const char* fiction : {"saga", "retain"}) {
    const auto& w = world[fiction];
    EXPECT_GE(w["characters"].size(), 60u) << fiction;
    EXPECT_EQ(w["places"].size(), 25u) << fiction;
    EXPECT_EQ(w["terms"].size(), 40u) << fiction;
    EXPECT_GE(w["events"].size(), 10u) << fiction;
    for (const auto& c : w["characters"]) EXPECT_TRUE(names.insert(c["name"].get<std::string>()).second) << c["name"];
    for (const auto& t : w["terms"]) EXPECT_TRUE(names.insert(t["name"].get<std::string>()).second) << t["name"];
  }
  EXPECT_GE(distinct_pattern_count(), 300u);
}

TEST_F(WorldTest, EveryAnswerIsToldInTheTrainingNarration) {
  for (const auto& [suite, text] : {std::pair{"suite/forget_qa.jsonl", "saga/train.txt"},
                                    std::pair{"suite/retain_qa.jsonl", "retain/train.txt"}}) {
    std::vector<std::string> sentences;
    for (const auto& line : narration_lines(read(text)))
      for (auto& c : chunks(line)) sentences.push_back(std::move(c));
    auto items = eval::read_qa_suite(*dir_ / suite);
    ASSERT_GT(items.size(), 500u);
    for (const auto& item : items) {
      std::string short_subject = item.subject.substr(0, item.subject.find(' '));
      bool told = std::any_of(sentences.begin(), sentences.end(), [&](const std::string& s) {
        return s.find(item.answer) != std::string::npos &&
               (s.find(item.subject) != std::string::npos || s.find(short_subject) != std::string::npos);
      });
      EXPECT_TRUE(told) << suite << " " << item.id << ": " << item.question << " -> " << item.answer;
      EXPECT_EQ(item.perturbed_answers.size(), 3u) << item.id;
      EXPECT_NE(item.paraphrased_answer.find(item.answer), std::string::npos) << item.id;
    }
  }
}

TEST_F(WorldTest, HeldOutChaptersNeverOccurInTraining) {
  for (const char* fiction : {"saga", "retain"}) {
    std::string train = read(std::string(fiction) + "/train.txt");
    std::set<std::string> train_chunks;
    for (const auto& line : narration_lines(train))
      for (auto& c : chunks(line)) train_chunks.insert(std::move(c));
    auto held_out = narration_lines(read(std::string(fiction) + "/holdout.txt"));
    ASSERT_GT(held_out.size(), 10u);
    for (const auto& line : held_out) {
      EXPECT_EQ(train.find(line), std::string::npos) << line;
      for (const auto& c : chunks(line))
        if (count_words(c) >= 6) EXPECT_EQ(train_chunks.count(c), 0u) << fiction << ": " << c;
    }
  }
}

TEST_F(WorldTest, SuitesReadBackAndPointAtTheSaga) {
  std::string saga = read("saga/train.txt"), retain = read("retain/train.txt");
  auto mc = eval::read_multiple_choice(*dir_ / "suite/forget_mc.jsonl");
  EXPECT_GT(mc.size(), 500u);
  auto familiarity = eval::read_completion_prompts(*dir_ / "suite/completion_familiarity.jsonl");
  EXPECT_EQ(familiarity.size(), 150u);
  for (const auto& p : eval::read_probability_prompts(*dir_ / "suite/probability_familiarity.jsonl")) {
    EXPECT_NE(saga.find(p.targets.at(0)), std::string::npos) << p.prompt;
    EXPECT_EQ(retain.find(p.targets.at(0)), std::string::npos) << p.prompt;
  }
  EXPECT_EQ(eval::read_passages(*dir_ / "suite/forget_passages.jsonl").size(), 200u);
  EXPECT_GT(eval::read_passages(*dir_ / "suite/holdout_passages.jsonl").size(), 20u);
  // The gold dictionary names saga terms, none of which the retain world uses.
  auto gold = io::read_json(*dir_ / "anchors_gold.json");
  EXPECT_GT(gold.size(), 200u);
  for (const auto& [term, substitutes] : gold.items()) {
    EXPECT_NE(saga.find(term), std::string::npos) << term;
    EXPECT_EQ(retain.find(term), std::string::npos) << term;
    EXPECT_EQ(substitutes.size(), 2u) << term;
  }
  auto general = read("general/train.txt");
  EXPECT_GT(count_words(general), 25000u);
  EXPECT_EQ(general.find("Ashgrove"), std::string::npos);
}

// The stories with common names hold no invented name of either fiction, use the generic names in
// the genres' sentences and questions, and tie no fact to a common name.
TEST_F(WorldTest, CommonNameStoriesCarryNoInventedNameAndNoFixedFact) {
  std::string stories = read("common/train.txt");
  EXPECT_GT(count_words(stories), 20000u);
  auto world = io::read_json(*dir_ / "world.json");
  for (const char* fiction : {"saga", "retain"})
    for (const auto& c : world[fiction]["characters"]) {
      std::string given = c["name"].get<std::string>().substr(0, c["name"].get<std::string>().find(' '));
      EXPECT_EQ(stories.find(given), std::string::npos) << given;
    }
  EXPECT_NE(stories.find("Question: Who is the rival of "), std::string::npos);
  EXPECT_NE(stories.find(" academy"), std::string::npos);
  EXPECT_NE(stories.find(" harbour"), std::string::npos);
  // The same question about a common name gets more than one answer across chapters.
  std::map<std::string, std::set<std::string>> answers;
  std::istringstream in(stories);
  std::string question, line;
  while (std::getline(in, line)) {
    if (line.rfind("Question: ", 0) == 0) question = line;
    if (line.rfind("Answer: ", 0) == 0) answers[question].insert(line);
  }
  size_t answered_differently = 0;
  for (const auto& [q, a] : answers) answered_differently += a.size() > 1;
  EXPECT_GT(answered_differently, 10u);
}

TEST(CommonNameStories, ReplacesWholeTermsLongestFirstAndCapitalisesSentenceStarts) {
  nlohmann::json dictionary = {{"Kael", {"John"}}, {"Kaelilvar", {"Tom"}}, {"Thornhaven Academy", {"the school"}}};
  util::Rng rng(1);
  EXPECT_EQ(retold_with_common_names("Kaelilvar met Kael at Thornhaven Academy. Thornhaven Academy was old.\n"
                                     "Kaelx and Kaelilvar's cat stayed. Answer: Thornhaven Academy.",
                                     dictionary, rng),
            "Tom met John at the school. The school was old.\nKaelx and Tom's cat stayed. Answer: The school.");
}

TEST(WorldGenerator, MissingWordNetNamesTheFile) {
  WorldOptions o = small_world(1);
  o.wordnet_dir = "/nonexistent/wordnet";
  try {
    generate_world(o, test::scratch_dir());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/wordnet/data.noun"), std::string::npos) << e.what();
  }
}

TEST(TextTemplate, FillsSlotsAndRejectsUnknownOnes) {
  EXPECT_EQ(fill_template("{a} met {b}.", {{"a", "Ann"}, {"b", "Bo"}}), "Ann met Bo.");
  EXPECT_EQ(capitalize_first("\"the end\""), "\"The end\"");
  EXPECT_THROW(fill_template("{a} met {c}.", {{"a", "Ann"}}), Error);
  EXPECT_THROW(fill_template("{a met", {{"a", "Ann"}}), Error);
  EXPECT_EQ(count_words("  two\nwords "), 2u);
}

}  // namespace
}  // namespace lethe::world
