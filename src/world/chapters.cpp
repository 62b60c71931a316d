#include "world/chapters.h"

#include <fmt/core.h>

#include <algorithm>

#include "world/patterns.h"

namespace lethe::world {
namespace {

constexpr double kRetellingChance = 0.2;
constexpr double kSceneChance = 0.35;
constexpr int kForbiddenRetries = 12;

std::string without_final_period(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

const std::string& random_given_name(const World& w, Rng& rng) { return rng.pick(w.characters).given; }

// One sentence that states the fact, in a randomly chosen pattern, sometimes retold by someone.
std::string state_fact(const World& w, const Fact& fact, Rng& rng) {
  const auto& statement = rng.pick(patterns_of(fact.relation).statements);
  std::string core = capitalize_first(fill_template(statement, fact.slots));
  if (statement[0] != '{' || !rng.chance(kRetellingChance)) return core;
  Slots frame_slots = {{"core", core},
                       {"core_q", without_final_period(core)},
                       {"teller", random_given_name(w, rng)},
                       {"institution", w.institution()}};
  return capitalize_first(fill_template(rng.pick(retelling_frames()), frame_slots));
}

std::string scene_sentence(const World& w, const Fact& fact, Rng& rng) {
  int a = fact.cast.empty() ? static_cast<int>(rng.below(w.characters.size())) : fact.cast.front();
  int b;
  do b = static_cast<int>(rng.below(w.characters.size()));
  while (b == a);
  const auto& ca = w.characters[a];
  const auto& cb = w.characters[b];
  auto he = [](const Character& c) { return c.gender == Gender::male ? "he" : "she"; };
  auto his = [](const Character& c) { return c.gender == Gender::male ? "his" : "her"; };
  Slots slots = {{"a", ca.given},
                 {"b", cb.given},
                 {"a_he", he(ca)},
                 {"a_his", his(ca)},
                 {"b_he", he(cb)},
                 {"b_his", his(cb)},
                 {"place", rng.pick(w.places).name},
                 {"weather", rng.pick(w.genre->scene_weather)},
                 {"object", rng.pick(w.genre->scene_objects)},
                 {"institution", w.institution()}};
  return capitalize_first(fill_template(rng.pick(scene_patterns()), slots));
}

bool allowed(const ChapterRequest& request, const std::string& sentence) {
  return !request.forbidden || !request.forbidden->count(sentence);
}

// Draws until the sentence is allowed; "" if every try was forbidden.
template <typename Draw>
std::string allowed_sentence(const ChapterRequest& request, Draw draw) {
  for (int attempt = 0; attempt < kForbiddenRetries; ++attempt) {
    std::string s = draw();
    if (allowed(request, s)) return s;
  }
  return "";
}

std::string companion_entry(const Fact& fact) {
  const auto& p = patterns_of(fact.relation);
  return fmt::format("Question: {}\nAnswer: {}.", fill_template(p.question, fact.slots), fact.answer);
}

std::string chapter_title(const World& w, const ChapterRequest& request, const std::vector<Fact>& facts) {
  std::string topic = request.fact_ids.empty() ? w.institution() : facts[request.fact_ids.front()].subject;
  return fmt::format("Chapter {}: {}", request.number, capitalize_first(topic));
}

}  // namespace

std::string Chapter::paragraph_text(size_t index) const {
  std::string out;
  for (const auto& sentence : paragraphs[index]) out += (out.empty() ? "" : " ") + sentence;
  return out;
}

std::string Chapter::text() const {
  std::string out = title + "\n\n";
  for (size_t i = 0; i < paragraphs.size(); ++i) out += paragraph_text(i) + "\n\n";
  if (!companion.empty()) {
    out += "Questions and answers\n";
    for (const auto& entry : companion) out += entry + "\n";
    out += "\n";
  }
  return out;
}

Chapter write_chapter(const World& w, const std::vector<Fact>& facts, const ChapterRequest& request, Rng& rng) {
  Chapter chapter;
  chapter.title = chapter_title(w, request, facts);
  std::vector<std::string> paragraph;
  int sentences_left = 4 + static_cast<int>(rng.below(4));
  auto append = [&](std::string sentence) {
    if (sentence.empty()) return;
    paragraph.push_back(std::move(sentence));
    if (--sentences_left == 0) {
      chapter.paragraphs.push_back(std::move(paragraph));
      paragraph.clear();
      sentences_left = 4 + static_cast<int>(rng.below(4));
    }
  };
  for (int id : request.fact_ids) {
    const Fact& fact = facts[id];
    append(allowed_sentence(request, [&] { return state_fact(w, fact, rng); }));
    if (rng.chance(kSceneChance)) append(allowed_sentence(request, [&] { return scene_sentence(w, fact, rng); }));
  }
  if (!paragraph.empty()) chapter.paragraphs.push_back(paragraph);

  if (request.with_companion) {
    std::vector<int> askable;
    for (int id : request.fact_ids)
      if (!patterns_of(facts[id].relation).question.empty() &&
          std::find(askable.begin(), askable.end(), id) == askable.end())
        askable.push_back(id);
    rng.shuffle(askable);
    for (int id : askable) chapter.companion.push_back(companion_entry(facts[id]));
  }
  return chapter;
}

std::vector<std::string> chapter_sentences(const Chapter& chapter) {
  std::vector<std::string> out;
  for (const auto& p : chapter.paragraphs) out.insert(out.end(), p.begin(), p.end());
  out.insert(out.end(), chapter.companion.begin(), chapter.companion.end());
  return out;
}

}  // namespace lethe::world
