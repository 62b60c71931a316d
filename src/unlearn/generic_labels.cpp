#include "unlearn/generic_labels.h"

#include "util/error.h"

namespace lethe::unlearn {

torch::Tensor translated_positions(const Translation& t, int64_t begin, int64_t n) {
  if (begin < 0 || n < 1 || begin + n > static_cast<int64_t>(t.position_map.size()))
    throw Error("generic labels: positions outside the block");
  std::vector<int64_t> map(t.position_map.begin() + begin, t.position_map.begin() + begin + n);
  return torch::tensor(map, torch::kLong).clamp_min(0);
}

GenericLogits generic_logits(const Translation& t, int64_t begin, const torch::Tensor& translated_rows,
                             const torch::Tensor& reinforced_rows, double alpha) {
  const int64_t n = reinforced_rows.size(0);
  const int64_t length = static_cast<int64_t>(t.position_map.size());
  if (translated_rows.sizes() != reinforced_rows.sizes() || begin < 0 || begin + n > length)
    throw Error("generic labels: the logits do not match the block and its translation");
  const auto device = reinforced_rows.device();
  std::vector<int64_t> positions(t.position_map.begin() + begin, t.position_map.begin() + begin + n);
  auto map = torch::tensor(positions, torch::kLong).to(device);  // (n)
  auto kept = map.ge(0);
  if (begin + n == length) kept[n - 1] = false;  // the block's last position predicts a token outside it
  auto translated = translated_rows.to(torch::kFloat);  // (n,V)
  auto reinforced = reinforced_rows.to(torch::kFloat);  // (n,V)
  auto values = translated - alpha * torch::relu(reinforced - translated);

  auto suppressed = torch::zeros_like(values, torch::kBool);  // (n,V)
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
