// Completion familiarity grades and the paper's score, on hand-graded completions.
#include "eval/familiarity.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lethe::eval {
namespace {

const std::vector<std::string> kExplicit = {"Hermione", "Harry", "Hogwarts Express"};
const std::vector<std::string> kThematic = {"great hall", "wand", "table"};
constexpr const char* kPrompt = "Harry walked into the great hall and";

TEST(Familiarity, ExplicitTermAbsentFromPromptGradesThree) {
  FamiliarityGrade g = familiarity_grade(kPrompt, " saw HERMIONE's wand on the table", kExplicit, kThematic);
  EXPECT_EQ(g.grade, 3);
  EXPECT_EQ(g.matched_term, "Hermione");
  g = familiarity_grade(kPrompt, " boarded the Hogwarts\nexpress.", kExplicit, kThematic);  // a phrase, over a newline
  EXPECT_EQ(g.grade, 3);
  EXPECT_EQ(g.matched_term, "Hogwarts Express");
}

TEST(Familiarity, OnlyThematicTermGradesTwo) {
  // "Harry" is in the prompt, so naming him again proves nothing; "table" is new.
  FamiliarityGrade g = familiarity_grade(kPrompt, " Harry sat at the table", kExplicit, kThematic);
  EXPECT_EQ(g.grade, 2);
  EXPECT_EQ(g.matched_term, "table");
}

TEST(Familiarity, NothingNewGradesZero) {
  EXPECT_EQ(familiarity_grade(kPrompt, " the great hall was empty", kExplicit, kThematic).grade, 0);
  // Whole words only: "Harrowing" is not "Harry", "tables" is not "table", "wands" not "wand".
  FamiliarityGrade g = familiarity_grade("It was", " a harrowing day of tables and wands", kExplicit, kThematic);
  EXPECT_EQ(g.grade, 0);
  EXPECT_EQ(g.matched_term, "");
  EXPECT_EQ(familiarity_grade(kPrompt, "", kExplicit, kThematic).grade, 0);
}

TEST(Familiarity, ScoreWeighsExplicitFiveTimes) {
  // Grades 3, 2, 0, 3: (5 * 2 + 1) / 4 = 11/4.
  std::vector<FamiliarityGrade> grades = {{3, "Harry"}, {2, "wand"}, {0, ""}, {3, "Hermione"}};
  EXPECT_DOUBLE_EQ(familiarity_score(grades), 2.75);
  EXPECT_DOUBLE_EQ(familiarity_score({{0, ""}}), 0.0);
  EXPECT_THROW(familiarity_score({}), Error);
}

}  // namespace
}  // namespace lethe::eval
