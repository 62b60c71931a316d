// Multiple-choice acc and acc_norm as lm-evaluation-harness computes them, on hand-made scores.
#include "eval/multiple_choice.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lethe::eval {
namespace {

TEST(MultipleChoice, ChoiceLengthCountsCharacters) {
  EXPECT_EQ(choice_length("abc"), 3u);
  EXPECT_EQ(choice_length(" Zo\xC3\xAB"), 4u);  // " Zoë": 5 bytes, 4 characters, as Python's len
  EXPECT_EQ(choice_length("\xE6\x97\xA5\xE6\x9C\xAC"), 2u);  // 日本
  EXPECT_EQ(choice_length(""), 0u);
}

TEST(MultipleChoice, PredictionsAreArgmaxWithFirstOnTies) {
  EXPECT_EQ(predicted_choice({-5, -4, -9}), 1u);
  EXPECT_EQ(predicted_choice({-3, -3}), 0u);
  EXPECT_EQ(predicted_choice_normalised({-5, -4, -9}, {5, 2, 10}), 2u);  // -1, -2, -0.9
}

TEST(MultipleChoice, AccuracyAndLengthNormalisedAccuracy) {
  std::vector<ChoiceScores> items = {
      {{-5, -4, -9}, {5, 2, 10}, {5, 2, 10}, 2},  // acc picks 1 (wrong); per character -1, -2, -0.9 picks 2 (right)
      {{-3, -3}, {3, 3}, {3, 3}, 0},              // ties: all pick 0 (right)
      {{-2, -8}, {1, 16}, {1, 16}, 1},            // acc picks 0 (wrong); per character -2, -0.5 picks 1 (right)
  };
  MultipleChoiceAccuracy accuracy = multiple_choice_accuracy(items);
  EXPECT_DOUBLE_EQ(accuracy.acc, 1.0 / 3);
  EXPECT_DOUBLE_EQ(accuracy.acc_norm, 1.0);
  EXPECT_DOUBLE_EQ(accuracy.acc_bytes, 1.0);
}

// acc_bytes divides by UTF-8 bytes: "été" is 3 characters and 5 bytes. With log-likelihoods -3 for
// "été" and -2.4 for "ete", per character -1 and -0.8 (acc_norm picks "ete"), per byte -0.6 and
// -0.8 (acc_bytes picks "été").
TEST(MultipleChoice, AccBytesDividesByUtf8Bytes) {
  auto scores = choice_scores({"\xC3\xA9t\xC3\xA9", "ete"}, {-3, -2.4}, 0);
  EXPECT_EQ(scores.lengths, (std::vector<double>{3, 3}));
  EXPECT_EQ(scores.byte_lengths, (std::vector<double>{5, 3}));
  auto accuracy = multiple_choice_accuracy({scores});
  EXPECT_DOUBLE_EQ(accuracy.acc, 0.0);
  EXPECT_DOUBLE_EQ(accuracy.acc_norm, 0.0);
  EXPECT_DOUBLE_EQ(accuracy.acc_bytes, 1.0);
}

// lm-evaluation-harness divides by the choice as written, without the space before it: choices
// "4" and "four" with log-likelihoods -2 and -5 are -2 and -1.25 per character, so acc_norm picks
// "four" (dividing by " 4" and " four", -1 and -1, it would pick "4").
TEST(MultipleChoice, AccNormDividesByTheChoiceWithoutTheSpaceBeforeIt) {
  auto scores = choice_scores({"4", "four"}, {-2, -5}, 1);
  EXPECT_EQ(scores.lengths, (std::vector<double>{1, 4}));
  EXPECT_EQ(predicted_choice(scores.log_likelihoods), 0u);
  EXPECT_EQ(predicted_choice_normalised(scores.log_likelihoods, scores.lengths), 1u);
  auto accuracy = multiple_choice_accuracy({scores});
  EXPECT_DOUBLE_EQ(accuracy.acc, 0.0);
  EXPECT_DOUBLE_EQ(accuracy.acc_norm, 1.0);
}

TEST(MultipleChoice, RejectsMalformedItems) {
  EXPECT_THROW(multiple_choice_accuracy({}), Error);
  EXPECT_THROW(multiple_choice_accuracy({{{}, {}, {}, 0}}), Error);
  EXPECT_THROW(multiple_choice_accuracy({{{-1, -2}, {1}, {1, 1}, 0}}), Error);
  EXPECT_THROW(multiple_choice_accuracy({{{-1, -2}, {1, 1}, {1}, 0}}), Error);
  EXPECT_THROW(multiple_choice_accuracy({{{-1, -2}, {1, 0}, {1, 1}, 0}}), Error);
  EXPECT_THROW(multiple_choice_accuracy({{{-1, -2}, {1, 1}, {1, 0}, 0}}), Error);
  EXPECT_THROW(multiple_choice_accuracy({{{-1, -2}, {1, 1}, {1, 1}, 2}}), Error);
}

}  // namespace
}  // namespace lethe::eval
