// Activation checkpointing: the gradients of every weight equal those of the plain backward
// (relative 1e-6), for plain causal attention, for padded batches (an attention bias), and with
// frozen embeddings (the first layer's input needs no gradient, as under LoRA).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <set>

#include "model/llama.h"

namespace lethe::model {
namespace {

CausalLM tiny_model() {
  nlohmann::json j = {{"vocab_size", 48}, {"hidden_size", 32}, {"intermediate_size", 64},
                      {"num_hidden_layers", 3}, {"num_attention_heads", 4}, {"num_key_value_heads", 2}};
  torch::manual_seed(11);
  return CausalLM(parse_model_config(j, "tiny"));
}

// Gradients of the next-token loss by name; parameters that get none are left out.
std::map<std::string, torch::Tensor> gradients(CausalLM& model, const torch::Tensor& tokens, const torch::Tensor& mask,
                                               bool checkpoint) {
  for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();
  model->set_activation_checkpointing(checkpoint);
  next_token_loss(model->forward(tokens, mask), tokens, mask).backward();
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : model->named_parameters())
    if (p.value().grad().defined()) out[p.key()] = p.value().grad().clone();
  return out;
}

// Nodes of the autograd graph behind a tensor: a checkpointed layer is one node, not dozens.
size_t graph_nodes(const torch::Tensor& output) {
  std::set<torch::autograd::Node*> seen;
  std::vector<torch::autograd::Node*> stack = {output.grad_fn().get()};
  while (!stack.empty()) {
    auto* node = stack.back();
    stack.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    for (const auto& edge : node->next_edges()) stack.push_back(edge.function.get());
  }
  return seen.size();
}

void expect_same_gradients(CausalLM& model, const torch::Tensor& tokens, const torch::Tensor& mask = {}) {
  auto plain = gradients(model, tokens, mask, false);
  auto checkpointed = gradients(model, tokens, mask, true);
  ASSERT_EQ(plain.size(), checkpointed.size());
  ASSERT_FALSE(plain.empty());
  for (const auto& [name, expected] : plain) {
    ASSERT_TRUE(checkpointed.count(name)) << name;
    const double error = (checkpointed[name] - expected).norm().item<double>() / expected.norm().item<double>();
    EXPECT_LE(error, 1e-6) << name;
  }
}

TEST(LayerCheckpoint, GradientsEqualThePlainBackward) {
  auto model = tiny_model();
  auto tokens = torch::randint(0, 48, {3, 17}, torch::kLong);
  expect_same_gradients(model, tokens);
  // The checkpointed forward keeps no layer's inner graph: the equality above is not plain vs plain.
  model->set_activation_checkpointing(false);
  const size_t plain = graph_nodes(model->forward(tokens));
  model->set_activation_checkpointing(true);
  const size_t checkpointed = graph_nodes(model->forward(tokens));
  EXPECT_LT(checkpointed * 3, plain) << checkpointed << " nodes against " << plain;
}

TEST(LayerCheckpoint, PaddedBatchesToo) {
  auto model = tiny_model();
  auto mask = torch::ones({2, 12}, torch::kLong);
  mask[1].narrow(0, 8, 4).fill_(0);  // right padding
  expect_same_gradients(model, torch::randint(0, 48, {2, 12}, torch::kLong), mask);
}

TEST(LayerCheckpoint, FrozenEmbeddingsStillGiveTheLayersGradients) {
  auto model = tiny_model();
  model->model->embed_tokens->weight.requires_grad_(false);
  expect_same_gradients(model, torch::randint(0, 48, {2, 9}, torch::kLong));
  EXPECT_TRUE(gradients(model, torch::randint(0, 48, {2, 9}, torch::kLong), {}, true)
                  .count("model.layers.0.self_attn.q_proj.weight"));
}

}  // namespace
}  // namespace lethe::model
