// distinct-n on hand-counted n-grams.
#include "eval/fluency.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lethe::eval {
namespace {

// Words: {the, cat, the, cat} and {the, dog}.
const std::vector<std::string> kGenerations = {"The cat, the cat.", "the DOG"};

TEST(DistinctN, CountsDistinctOverTotalNgrams) {
  // Unigrams: 6 in all, distinct {the, cat, dog}: 3/6.
  EXPECT_DOUBLE_EQ(distinct_n(kGenerations, 1), 0.5);
  // Bigrams: (the cat) (cat the) (the cat) and (the dog): 4 in all, 3 distinct. None spans the two
  // generations: (cat the dog...) would make 5.
  EXPECT_DOUBLE_EQ(distinct_n(kGenerations, 2), 0.75);
  // Trigrams: (the cat the) (cat the cat): 2 of 2; "the DOG" has none.
  EXPECT_DOUBLE_EQ(distinct_n(kGenerations, 3), 1.0);
}

TEST(DistinctN, LoopsScoreLow) {
  EXPECT_DOUBLE_EQ(distinct_n({"yes yes yes yes yes"}, 1), 0.2);
  EXPECT_DOUBLE_EQ(distinct_n({"yes yes yes yes yes"}, 2), 0.25);
}

TEST(DistinctN, NoNgramsAndBadN) {
  EXPECT_DOUBLE_EQ(distinct_n({"two words", ""}, 3), 0.0);
  EXPECT_DOUBLE_EQ(distinct_n({}, 1), 0.0);
  EXPECT_THROW(distinct_n(kGenerations, 0), Error);
}

}  // namespace
}  // namespace lethe::eval
