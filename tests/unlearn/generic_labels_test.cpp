// The bootstrap formula v = T(map(i)) - alpha * ReLU(P(i) - T(map(i))), suppression, hard and soft
// labels, on logits small enough to compute by hand.
#include <gtest/gtest.h>

#include "unlearn/generic_labels.h"
#include "util/error.h"

namespace lethe::unlearn {
namespace {

// 4 original positions, 3 translated; position 2 has no label; token 2 is suppressed from
// translated position 1 on.
Translation hand_translation() {
  Translation t;
  t.tokens = {7, 8, 9};
  t.position_map = {0, 1, -1, 2};
  t.suppressed = {{1, 2}};
  return t;
}

torch::Tensor rows(std::vector<std::vector<float>> values) {
  std::vector<torch::Tensor> out;
  for (auto& r : values) out.push_back(torch::tensor(r));
  return torch::stack(out);
}

// v of a whole block from the baseline's logits on the whole translation (Lt,V).
GenericLogits whole_block(const Translation& t, const torch::Tensor& translated, const torch::Tensor& reinforced,
                          double alpha) {
  const auto n = static_cast<int64_t>(t.position_map.size());
  return generic_logits(t, 0, translated.index_select(0, translated_positions(t, 0, n)), reinforced, alpha);
}

TEST(GenericLabels, BootstrapFormulaSuppressionAndLabels) {
  auto translated = rows({{1, 2, 3, 4}, {0, 0, 0, 0}, {4, 3, 2, 1}});             // T (3,4)
  auto reinforced = rows({{1, 5, 3, 0}, {1, 0, 0, 2}, {9, 9, 9, 9}, {0, 0, 0, 9}});  // P (4,4)
  auto g = whole_block(hand_translation(), translated, reinforced, /*alpha=*/2.0);
  // Row 0: [1,2,3,4] - 2 * ReLU([0,3,0,-4]) = [1,-4,3,4]; no suppression yet (map 0 < 1).
  EXPECT_TRUE(g.values[0].allclose(torch::tensor({1.f, -4.f, 3.f, 4.f})));
  // Row 1: [0,0,0,0] - 2 * ReLU([1,0,0,2]) = [-2,0,0,-4]; token 2 -> the row's mean -1.5.
  EXPECT_TRUE(g.values[1].allclose(torch::tensor({-2.f, 0.f, -1.5f, -4.f})));
  // Row 2 has no label; row 3 is the block's last position.
  EXPECT_TRUE(g.values[2].equal(torch::zeros({4})));
  EXPECT_TRUE(g.kept.equal(torch::tensor({true, true, false, false})));
  EXPECT_TRUE(hard_labels(g).equal(torch::tensor({3, 1, -1, -1}, torch::kLong)));
}

TEST(GenericLabels, SoftTargetsAreTheRenormalisedTopK) {
  auto translated = rows({{1, 2, 3, 4}, {0, 0, 0, 0}, {4, 3, 2, 1}});
  auto reinforced = rows({{1, 5, 3, 0}, {1, 0, 0, 2}, {9, 9, 9, 9}, {0, 0, 0, 9}});
  auto soft = soft_targets(whole_block(hand_translation(), translated, reinforced, 2.0), 2, 1.0);
  // Row 0: v = [1,-4,3,4]; the top two are tokens 3 and 2, with e^4 and e^3 renormalised.
  EXPECT_TRUE(soft.ids[0].equal(torch::tensor({3, 2}, torch::kLong)));
  float p = std::exp(4.f) / (std::exp(4.f) + std::exp(3.f));
  EXPECT_TRUE(soft.probabilities[0].allclose(torch::tensor({p, 1 - p})));
  EXPECT_TRUE(soft.probabilities[2].equal(torch::zeros({2})));
}

TEST(GenericLabels, AveragesTranslationsAndRejectsMismatches) {
  auto t = hand_translation();
  auto translated = rows({{1, 2, 3, 4}, {0, 0, 0, 0}, {4, 3, 2, 1}});
  auto reinforced = torch::zeros({4, 4});
  auto a = whole_block(t, translated, reinforced, 5.0);
  auto b = whole_block(t, translated * 3, reinforced, 5.0);
  auto mean = average({a, b});
  EXPECT_TRUE(mean.values.allclose(a.values * 2));
  auto other = t;
  other.position_map = {0, -1, -1, 2};
  EXPECT_THROW(average({a, whole_block(other, translated, reinforced, 5.0)}), Error);
  EXPECT_THROW(whole_block(t, translated, torch::zeros({3, 4}), 5.0), Error);
  EXPECT_THROW(generic_logits(t, 3, torch::zeros({2, 4}), torch::zeros({2, 4}), 5.0), Error);  // past the block
}

// Rows computed a few positions at a time are the rows of the whole block: the suppression and
// the block's unlabelled last position follow the positions, not the chunk.
TEST(GenericLabels, ChunksOfPositionsGiveTheWholeBlocksRows) {
  auto t = hand_translation();
  auto translated = rows({{1, 2, 3, 4}, {0, 0, 0, 0}, {4, 3, 2, 1}});
  auto reinforced = rows({{1, 5, 3, 0}, {1, 0, 0, 2}, {9, 9, 9, 9}, {0, 0, 0, 9}});
  auto whole = whole_block(t, translated, reinforced, 2.0);
  std::vector<torch::Tensor> values, kept;
  for (int64_t begin : {0, 1, 3}) {
    int64_t n = begin == 1 ? 2 : 1;
    auto g = generic_logits(t, begin, translated.index_select(0, translated_positions(t, begin, n)),
                            reinforced.narrow(0, begin, n), 2.0);
    values.push_back(g.values);
    kept.push_back(g.kept);
  }
  EXPECT_TRUE(torch::cat(values).equal(whole.values));
  EXPECT_TRUE(torch::cat(kept).equal(whole.kept));
}

}  // namespace
}  // namespace lethe::unlearn
