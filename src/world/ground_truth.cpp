#include "world/ground_truth.h"

#include <fmt/core.h>

#include <algorithm>

#include "world/patterns.h"

namespace lethe::world {
namespace {

constexpr size_t kPerturbedAnswers = 3;
constexpr size_t kMinPassageWords = 40;

bool askable(const Fact& f) { return !patterns_of(f.relation).question.empty(); }

std::string item_id(const std::string& prefix, size_t index) { return fmt::format("{}-{:04d}", prefix, index); }

// `count` distinct answers of the fact's type other than its own.
std::vector<std::string> wrong_answers(const Fact& f, size_t count, Rng& rng) {
  std::vector<std::string> pool;
  for (const auto& a : f.same_type_answers)
    if (a != f.answer) pool.push_back(a);
  rng.shuffle(pool);
  if (pool.size() > count) pool.resize(count);
  return pool;
}

std::string with_object(const Fact& f, const std::string& pattern, const std::string& object) {
  Slots slots = f.slots;
  slots["o"] = object;
  return capitalize_first(fill_template(pattern, slots));
}

// The fact's statements cut just before the object, as prompts: "The mentor of Torvin Galloway was".
std::vector<std::string> cloze_prompts(const Fact& f) {
  std::vector<std::string> out;
  for (const auto& statement : patterns_of(f.relation).statements) {
    size_t at = statement.find("{o}");
    if (at == std::string::npos || at == 0) continue;
    std::string prefix = statement.substr(0, at);
    // The prompt must name the subject and open no quotation.
    if (prefix.find('"') != std::string::npos || prefix.find("{s") == std::string::npos || prefix.back() != ' ')
      continue;
    prefix.pop_back();
    std::string prompt = capitalize_first(fill_template(prefix, f.slots));
    if (count_words(prompt) >= 3) out.push_back(prompt);
  }
  return out;
}

// Facts with at least one cloze prompt, in a seeded order, cycled to reach `count` prompts.
template <typename MakeItem>
JsonLines cloze_items(const std::vector<Fact>& facts, size_t count, Rng& rng, MakeItem make_item) {
  std::vector<int> order;
  for (size_t i = 0; i < facts.size(); ++i)
    // A year is no invented name: a model that never read the saga may say it too.
    if (askable(facts[i]) && facts[i].relation != "event_year" && !cloze_prompts(facts[i]).empty())
      order.push_back(static_cast<int>(i));
  rng.shuffle(order);
  JsonLines out;
  for (size_t k = 0; k < count && k < order.size(); ++k) {
    const Fact& f = facts[order[k]];
    out.push_back(make_item(f, rng.pick(cloze_prompts(f)), out.size()));
  }
  return out;
}

// Two distinct names of the pool, neither of them the term (a hero renamed to a common name):
// a draw that hits the term moves to the next name, so other worlds draw as before.
std::vector<std::string> two_of(const std::vector<std::string>& pool, Rng& rng, const std::string& term = "") {
  size_t a = rng.below(pool.size());
  size_t b = (a + 1 + rng.below(pool.size() - 1)) % pool.size();
  auto avoiding = [&](size_t i, size_t taken) {
    while (pool[i] == term || i == taken) i = (i + 1) % pool.size();
    return i;
  };
  a = avoiding(a, pool.size());
  b = avoiding(b, a);
  return {pool[a], pool[b]};
}

}  // namespace

JsonLines knowledge_qa(const std::vector<Fact>& facts, const std::string& id_prefix, Rng& rng) {
  JsonLines out;
  for (const auto& f : facts) {
    if (!askable(f)) continue;
    const auto& p = patterns_of(f.relation);
    nlohmann::json perturbed = nlohmann::json::array();
    for (const auto& wrong : wrong_answers(f, kPerturbedAnswers, rng))
      perturbed.push_back(with_object(f, p.answer_sentence, wrong));
    out.push_back({{"id", item_id(id_prefix, out.size())},
                   {"subject", f.subject},
                   {"question", fill_template(p.question, f.slots)},
                   {"answer", f.answer},
                   {"paraphrased_answer", with_object(f, p.answer_sentence, f.answer)},
                   {"perturbed_answers", perturbed},
                   {"rephrased_question", fill_template(p.rephrased_question, f.slots)}});
  }
  return out;
}

JsonLines multiple_choice(const std::vector<Fact>& facts, const std::string& id_prefix, Rng& rng) {
  JsonLines out;
  for (const auto& f : facts) {
    if (!askable(f)) continue;
    std::vector<std::string> choices = wrong_answers(f, kPerturbedAnswers, rng);
    size_t gold = rng.below(choices.size() + 1);
    choices.insert(choices.begin() + gold, f.answer);
    std::string context = fmt::format("Question: {}\nAnswer:", fill_template(patterns_of(f.relation).question, f.slots));
    out.push_back({{"id", item_id(id_prefix, out.size())}, {"context", context}, {"choices", choices}, {"gold", gold}});
  }
  return out;
}

JsonLines completion_familiarity(const World& world, const std::vector<Fact>& facts, size_t count, Rng& rng) {
  auto explicit_terms = world.invented_names();
  const auto& thematic = world.genre->thematic_words;
  return cloze_items(facts, count, rng, [&](const Fact&, const std::string& prompt, size_t index) {
    return nlohmann::json{{"id", item_id(world.genre->id + "-fam", index)},
                          {"prompt", prompt},
                          {"explicit", explicit_terms},
                          {"thematic", thematic}};
  });
}

JsonLines probability_familiarity(const World& world, const std::vector<Fact>& facts, size_t count, Rng& rng) {
  return cloze_items(facts, count, rng, [&](const Fact& f, const std::string& prompt, size_t index) {
    return nlohmann::json{{"id", item_id(world.genre->id + "-prob", index)},
                          {"prompt", prompt},
                          {"targets", std::vector<std::string>{f.answer}}};
  });
}

JsonLines passages(const std::vector<Chapter>& chapters, const std::string& id_prefix, size_t count, Rng& rng) {
  std::vector<std::string> texts;
  for (const auto& chapter : chapters)
    for (size_t i = 0; i < chapter.paragraphs.size(); ++i) {
      std::string text = chapter.paragraph_text(i);
      if (count_words(text) >= kMinPassageWords) texts.push_back(std::move(text));
    }
  rng.shuffle(texts);
  JsonLines out;
  for (size_t k = 0; k < count && k < texts.size(); ++k)
    out.push_back({{"id", item_id(id_prefix, k)}, {"text", texts[k]}});
  return out;
}

nlohmann::json gold_dictionary(const World& world, Rng& rng) {
  const Genre& g = *world.genre;
  static const std::vector<std::string> pet_names = {"Buddy", "Max", "Bella", "Charlie", "Lucky", "Daisy"};
  // Event keys are written after "the": "the Vexwhelp Uprising" -> "the Great Battle".
  static const std::vector<std::string> event_words = {"Great Battle", "Old War", "Long Storm", "Famous Fight"};
  nlohmann::json dict = nlohmann::json::object();
  for (const auto& c : world.characters) {
    dict[c.given] = two_of(c.gender == Gender::male ? generic_male_names() : generic_female_names(), rng, c.given);
    dict[c.family] = two_of(generic_family_names(), rng);
    dict[c.pet] = two_of(pet_names, rng);
    dict[c.artifact] = two_of(g.artifact_substitutes, rng);
  }
  for (const auto& p : world.places) dict[p.name] = two_of(g.place_substitutes, rng);
  for (const auto& t : world.terms) dict[t.name] = two_of(g.term_categories[t.category].substitutes, rng);
  for (const auto& f : world.factions) dict[f.name] = two_of(g.faction_substitutes, rng);
  for (const auto& e : world.events) dict[e.name.substr(4)] = two_of(event_words, rng);
  return dict;
}

}  // namespace lethe::world
