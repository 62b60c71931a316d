#include "eval/multiple_choice.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.h"

namespace lethe::eval {
namespace {

void check_item(const ChoiceScores& item, std::size_t index) {
  auto fail = [&](const std::string& what) {
    throw Error(fmt::format("multiple choice item {}: {}", index, what));
  };
  if (item.log_likelihoods.empty()) fail("no choices");
  auto positive = [](const std::vector<double>& lengths) {
    return std::all_of(lengths.begin(), lengths.end(), [](double l) { return l > 0.0; });
  };
  if (item.lengths.size() != item.log_likelihoods.size() || item.byte_lengths.size() != item.log_likelihoods.size())
    fail(fmt::format("{} log-likelihoods but {} lengths and {} byte lengths", item.log_likelihoods.size(),
                     item.lengths.size(), item.byte_lengths.size()));
  if (!positive(item.lengths) || !positive(item.byte_lengths)) fail("a choice length is not > 0");
  if (item.gold >= item.log_likelihoods.size())
    fail(fmt::format("gold index {} out of range for {} choices", item.gold, item.log_likelihoods.size()));
}

}  // namespace

std::size_t choice_length(std::string_view choice) {
  // Every byte but UTF-8 continuation bytes (10xxxxxx) starts a character.
  auto starts_character = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  return static_cast<std::size_t>(std::count_if(choice.begin(), choice.end(), starts_character));
}

std::size_t predicted_choice(const std::vector<double>& log_likelihoods) {
  auto best = std::max_element(log_likelihoods.begin(), log_likelihoods.end());
  return static_cast<std::size_t>(best - log_likelihoods.begin());
}

std::size_t predicted_choice_normalised(const std::vector<double>& log_likelihoods,
                                        const std::vector<double>& lengths) {
  std::vector<double> per_character(log_likelihoods.size());
  for (std::size_t i = 0; i < log_likelihoods.size(); ++i) per_character[i] = log_likelihoods[i] / lengths[i];
  return predicted_choice(per_character);
}

ChoiceScores choice_scores(const std::vector<std::string>& choices, std::vector<double> log_likelihoods,
                           std::size_t gold) {
  ChoiceScores scores{std::move(log_likelihoods), {}, {}, gold};
  for (const auto& choice : choices) {
    scores.lengths.push_back(static_cast<double>(choice_length(choice)));
    scores.byte_lengths.push_back(static_cast<double>(choice.size()));
  }
  return scores;
}

MultipleChoiceAccuracy multiple_choice_accuracy(const std::vector<ChoiceScores>& items) {
  if (items.empty()) throw Error("multiple choice accuracy: no items");
  MultipleChoiceAccuracy correct;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ChoiceScores& item = items[i];
    check_item(item, i);
    correct.acc += predicted_choice(item.log_likelihoods) == item.gold ? 1 : 0;
    correct.acc_norm += predicted_choice_normalised(item.log_likelihoods, item.lengths) == item.gold ? 1 : 0;
    correct.acc_bytes += predicted_choice_normalised(item.log_likelihoods, item.byte_lengths) == item.gold ? 1 : 0;
  }
  auto n = static_cast<double>(items.size());
  return {correct.acc / n, correct.acc_norm / n, correct.acc_bytes / n};
}

}  // namespace lethe::eval
