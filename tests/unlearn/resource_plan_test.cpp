// lethe plan's arithmetic on a tiny configuration, against figures worked out by hand.
#include <gtest/gtest.h>

#include "unlearn/resource_plan.h"

namespace lethe::unlearn {
namespace {

// hidden 8, intermediate 16, 2 layers, 2 heads of 4, 1 kv head, vocabulary 10, tied embeddings:
// per layer q 64 + k 32 + v 32 + o 64 + gate 128 + up 128 + down 128 + 2 norms 16 = 592;
// embeddings 80, final norm 8: 1,272 parameters.
model::ModelConfig tiny() {
  return model::parse_model_config({{"vocab_size", 10}, {"hidden_size", 8}, {"intermediate_size", 16},
                                    {"num_hidden_layers", 2}, {"num_attention_heads", 2}, {"num_key_value_heads", 1},
                                    {"max_position_embeddings", 64}, {"tie_word_embeddings", true}},
                                   "tiny");
}

PipelineConfig pipeline() {
  PipelineConfig c;
  c.block_length = 4;
  c.batch_size = 2;
  c.accumulation = 2;
  c.reinforce_epochs = 3;
  c.finetune_epochs = 2;
  c.labels.translations = 1;
  c.labels.batch_size = 1;
  return c;
}

TEST(ResourcePlan, FullFineTuneMemoryAndTime) {
  ASSERT_EQ(tiny().parameter_count(), 1272);
  Hardware hw;
  hw.devices = 1;
  hw.peak_tflops = 1e-9;  // 1,000 FLOP/s
  hw.mfu = 0.5;
  auto plan = plan_resources(tiny(), pipeline(), /*forget_tokens=*/100, hw);
  ASSERT_EQ(plan.stages.size(), 3u);  // no distill stage
  const auto& reinforce = plan.stages[0];
  EXPECT_EQ(reinforce.weights, 4.0 * 1272);
  EXPECT_EQ(reinforce.gradients, 4.0 * 1272);
  EXPECT_EQ(reinforce.optimizer, 8.0 * 1272);
  // Per token and layer: 6*8 + (2*2 + 3*1)*4 + 2*4 + 4*16 = 148 floats; 2 layers and 3*10 for the
  // logits: 326 floats per token, 8 tokens per micro-batch.
  EXPECT_EQ(reinforce.activations, 4.0 * 8 * 326);
  EXPECT_EQ(reinforce.flops, 6.0 * 1272 * 300);                // 3 epochs of 100 tokens
  EXPECT_DOUBLE_EQ(reinforce.seconds, 6.0 * 1272 * 300 / 500);  // at 500 FLOP/s
  const auto& labels = plan.stages[1];
  EXPECT_EQ(labels.flops, 2.0 * 1272 * 100 * 2);  // the original and one translation
  EXPECT_EQ(labels.other_models, 4.0 * 1272);     // the reinforced model beside the base
  EXPECT_EQ(plan.stages[2].flops, 6.0 * 1272 * 200);
  EXPECT_EQ(plan.stages[2].other_models, 0.0);  // no retain term, no frozen base
}

// The field's methods plan their own stages: NPO one fine-tune that reads the frozen base on the
// forget blocks (and, with a retain NLL, the retain blocks through the model alone); task-vector
// a reinforcement and the subtraction.
TEST(ResourcePlan, EachMethodPlansItsOwnStages) {
  auto c = pipeline();
  c.method = "npo";
  c.forget_loss.method = ForgetMethod::npo;
  c.retain_weight = 1.0;
  c.retain_loss = RetainLoss::nll;
  auto npo = plan_resources(tiny(), c, 100, Hardware{}, /*retain_batch_size=*/2);
  ASSERT_EQ(npo.stages.size(), 1u);
  EXPECT_EQ(npo.stages[0].name, "fine-tune");
  EXPECT_EQ(npo.stages[0].other_models, 4.0 * 1272);
  // 2 epochs of 100 tokens: 6 P per token trained, 2 P per token through the base; the retain
  // blocks (8 tokens beside each micro-batch's 8) 6 P per token.
  EXPECT_EQ(npo.stages[0].flops, 6.0 * 1272 * 200 + 2.0 * 1272 * 200 + 6.0 * 1272 * 200);
  c.method = "task-vector";
  auto task = plan_resources(tiny(), c, 100, Hardware{});
  ASSERT_EQ(task.stages.size(), 2u);
  EXPECT_EQ(task.stages[1].name, "task vector");
  EXPECT_EQ(task.stages[1].other_models, 4.0 * 1272);
}

TEST(ResourcePlan, CheckpointingKeepsOneLayerAndEachLayersInput) {
  auto c = pipeline();
  c.activation_checkpointing = true;
  auto plan = plan_resources(tiny(), c, 100, Hardware{});
  EXPECT_EQ(plan.stages[0].activations, 4.0 * 8 * (2 * 8 + 148 + 30));
  EXPECT_EQ(plan.stages[0].flops, 8.0 * 1272 * 300);  // the forward runs twice
}

TEST(ResourcePlan, ZeroStagesShardStatesAcrossDevices) {
  auto c = pipeline();
  Hardware hw;
  hw.devices = 2;
  c.zero_stage = 1;
  auto one = plan_resources(tiny(), c, 100, hw).stages[0];
  EXPECT_EQ(one.gradients, 4.0 * 1272);
  EXPECT_EQ(one.optimizer, 4.0 * 1272);
  c.zero_stage = 2;
  auto two = plan_resources(tiny(), c, 100, hw).stages[0];
  EXPECT_EQ(two.gradients, 2.0 * 1272);
  EXPECT_EQ(two.weights, 4.0 * 1272);  // weights are not sharded
}

TEST(ResourcePlan, LoraTrainsItsAdaptersOnFrozenHalfPrecisionWeights) {
  auto c = pipeline();
  c.lora.emplace();
  c.lora->rank = 2;
  c.lora->targets = {"q_proj", "down_proj"};
  c.lora->frozen_dtype = "bfloat16";
  // Per layer: q 2*(8+8) = 32, down 2*(8+16) = 48.
  EXPECT_EQ(trained_parameter_count(tiny(), c), 2 * (32 + 48));
  c.retain_weight = 1;
  auto plan = plan_resources(tiny(), c, 100, Hardware{});
  EXPECT_EQ(plan.stages[0].weights, 2.0 * 1272 + 4.0 * 160);
  EXPECT_EQ(plan.stages[0].optimizer, 8.0 * 160);
  EXPECT_EQ(plan.stages[0].flops, 4.0 * 1272 * 300);  // no weight gradients of the frozen weights
  // The retain term: 4 blocks of 4 tokens per micro-batch of 8 tokens, through the model and the
  // frozen base: 200 fine-tune tokens bring 400 retain tokens.
  EXPECT_EQ(plan.stages[2].flops, 4.0 * 1272 * 200 + 6.0 * 1272 * 400);
  EXPECT_EQ(plan.stages[2].other_models, 4.0 * 1272);
}

}  // namespace
}  // namespace lethe::unlearn
