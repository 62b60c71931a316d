#include "unlearn/generic_labels.h"

#include "util/error.h"

namespace lethe::unlearn {

GenericLogits generic_logits(const Translation& t, const torch::Tensor& translated_logits,
                             const torch::Tensor& reinforced_logits, double alpha) {
  const int64_t length = static_cast<int64_t>(t.position_map.size());
  if (reinforced_logits.size(0) != length || translated_logits.size(0) != static_cast<int64_t>(t.tokens.size()))
    throw Error("generic labels: the logits do not match the block and its translation");
  auto map = torch::tensor(t.position_map, torch::kLong);  // (L)
  auto kept = map.ge(0);
  kept[length - 1] = false;  // the block's last position predicts a token outside it
  auto translated = translated_logits.to(torch::kFloat).index_select(0, map.clamp_min(0));  // (L,V)
  auto reinforced = reinforced_logits.to(torch::kFloat);                                      // (L,V)
  auto values = translated - alpha * torch::relu(reinforced - translated);

  auto suppressed = torch::zeros_like(values, torch::kBool);  // (L,V)
  for (const auto& [from, token] : t.suppressed) suppressed.select(1, token).logical_or_(map.ge(from));
  values = torch::where(suppressed, values.mean(1, /*keepdim=*/true).expand_as(values), values);
  values = values * kept.unsqueeze(1);
  return {values, kept};
}

GenericLogits average(const std::vector<GenericLogits>& translations) {
  if (translations.empty()) throw Error("generic labels: no translations to average");
  auto sum = torch::zeros_like(translations.front().values);
  for (const auto& g : translations) {
    if (!g.kept.equal(translations.front().kept))
      throw Error("generic labels: translations of one block disagree on which positions have labels");
    sum += g.values;
  }
  return {sum / static_cast<double>(translations.size()), translations.front().kept};
}

torch::Tensor hard_labels(const GenericLogits& g) {
  return torch::where(g.kept, g.values.argmax(1), torch::full_like(g.kept, -1, torch::kLong));
}

SoftTargets soft_targets(const GenericLogits& g, int64_t k, double temperature) {
  auto probabilities = torch::softmax(g.values / temperature, 1);
  auto [top, ids] = probabilities.topk(k, 1);
  top = top / top.sum(1, /*keepdim=*/true);
  auto mask = g.kept.unsqueeze(1);
  return {ids * mask, top * mask};
}

}  // namespace lethe::unlearn
