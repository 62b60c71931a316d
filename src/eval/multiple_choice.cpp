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
  if (item.lengths.size() != item.log_likelihoods.size())
    fail(fmt::format("{} log-likelihoods but {} lengths", item.log_likelihoods.size(), item.lengths.size()));
  if (std::any_of(item.lengths.begin(), item.lengths.end(), [](double l) { return !(l > 0.0); }))
    fail("a choice length is not > 0");
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
  ChoiceScores scores{std::move(log_likelihoods), {}, gold};
  for (const auto& choice : choices) scores.lengths.push_back(static_cast<double>(choice_length(choice)));
  return scores;
}

MultipleChoiceAccuracy multiple_choice_accuracy(const std::vector<ChoiceScores>& items) {
  if (items.empty()) throw Error("multiple choice accuracy: no items");
  double correct = 0;
  double correct_normalised = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ChoiceScores& item = items[i];
    check_item(item, i);
    correct += predicted_choice(item.log_likelihoods) == item.gold ? 1 : 0;
    correct_normalised += predicted_choice_normalised(item.log_likelihoods, item.lengths) == item.gold ? 1 : 0;
  }
  auto n = static_cast<double>(items.size());
  return {correct / n, correct_normalised / n};
}

}  // namespace lethe::eval
