// The padded batch: tokens and mask on the side asked, and whether anything is padded.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model/padded_batch.h"

namespace lethe::model {
namespace {

TEST(PaddedBatch, PadsOnTheSideAskedAndSaysWhetherItDid) {
  const std::vector<std::vector<int32_t>> rows = {{5, 6, 7}, {8}};
  auto right = pad_batch(rows, PadSide::right, torch::kCPU);
  EXPECT_TRUE(torch::equal(right.tokens, torch::tensor({{5, 6, 7}, {8, 0, 0}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(right.mask, torch::tensor({{1, 1, 1}, {1, 0, 0}}, torch::kLong)));
  EXPECT_TRUE(right.padded);
  EXPECT_TRUE(right.attention_mask().defined());
  auto left = pad_batch(rows, PadSide::left, torch::kCPU);
  EXPECT_TRUE(torch::equal(left.tokens, torch::tensor({{5, 6, 7}, {0, 0, 8}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(left.mask, torch::tensor({{1, 1, 1}, {0, 0, 1}}, torch::kLong)));
  auto even = pad_batch({{1, 2}, {3, 4}}, PadSide::right, torch::kCPU);
  EXPECT_FALSE(even.padded);
  EXPECT_FALSE(even.attention_mask().defined());  // the model's unmasked fast path
  auto empty_row = pad_batch({{1, 2}, {}}, PadSide::right, torch::kCPU);
  EXPECT_TRUE(empty_row.padded);
  EXPECT_EQ(empty_row.mask[1].sum().item<int64_t>(), 0);
}

}  // namespace
}  // namespace lethe::model
