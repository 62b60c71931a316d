#include "world/generate.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "io/file.h"
#include "util/error.h"
#include "util/words.h"
#include "world/chapters.h"
#include "world/common_name_stories.h"
#include "world/general_corpus.h"
#include "world/ground_truth.h"
#include "world/patterns.h"
#include "world/text_template.h"

namespace lethe::world {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFamiliarityPrompts = 150;
constexpr size_t kPassages = 200;
// Stories with common names: per genre, chapters of an unpublished world telling each of its facts
// kCommonNameMentions times (a third of the saga's text).
constexpr int kCommonNameChapters = 60;
constexpr int kCommonNameHoldoutChapters = 4;
constexpr int kCommonNameMentions = 4;

struct Fiction {
  World world;
  std::vector<Fact> facts;
  std::vector<Chapter> train, holdout;
};

std::string joined_text(const std::vector<Chapter>& chapters) {
  std::string out;
  for (const auto& c : chapters) out += c.text();
  return out;
}

// Every fact told mentions_per_fact times, the tellings shuffled and dealt into the chapters.
std::vector<Chapter> training_chapters(const Fiction& f, const WorldOptions& o, Rng& rng) {
  std::vector<int> tellings;
  for (int r = 0; r < o.mentions_per_fact; ++r)
    for (size_t i = 0; i < f.facts.size(); ++i) tellings.push_back(static_cast<int>(i));
  rng.shuffle(tellings);
  std::vector<Chapter> chapters;
  for (int c = 0; c < o.train_chapters; ++c) {
    ChapterRequest request;
    request.number = c + 1;
    size_t begin = tellings.size() * c / o.train_chapters, end = tellings.size() * (c + 1) / o.train_chapters;
    request.fact_ids.assign(tellings.begin() + begin, tellings.begin() + end);
    Rng chapter_rng = rng.fork(c);
    chapters.push_back(write_chapter(f.world, f.facts, request, chapter_rng));
  }
  return chapters;
}

// Chapters of the same kind, numbered after the training ones, none of whose sentences occurs in
// the training text.
std::vector<Chapter> holdout_chapters(const Fiction& f, const WorldOptions& o, Rng& rng) {
  std::set<std::string> forbidden;
  for (const auto& c : f.train)
    for (auto& s : chapter_sentences(c)) forbidden.insert(std::move(s));
  size_t per_chapter = f.facts.size() * o.mentions_per_fact / std::max(1, o.train_chapters);
  std::vector<Chapter> chapters;
  for (int c = 0; c < o.holdout_chapters; ++c) {
    ChapterRequest request;
    request.number = o.train_chapters + c + 1;
    for (size_t k = 0; k < per_chapter; ++k) request.fact_ids.push_back(static_cast<int>(rng.below(f.facts.size())));
    request.with_companion = false;
    request.forbidden = &forbidden;
    Rng chapter_rng = rng.fork(c);
    chapters.push_back(write_chapter(f.world, f.facts, request, chapter_rng));
  }
  return chapters;
}

void write_chapters(Fiction& f, const WorldOptions& o, Rng& rng) {
  f.facts = world_facts(f.world);
  Rng train_rng = rng.fork(2), holdout_rng = rng.fork(3);
  f.train = training_chapters(f, o, train_rng);
  f.holdout = holdout_chapters(f, o, holdout_rng);
}

// The character whose given name the training chapters use most.
Character& most_frequent_character(Fiction& f) {
  const std::string text = joined_text(f.train);
  Character* best = &f.world.characters.front();
  size_t best_count = 0;
  for (auto& c : f.world.characters) {
    size_t count = 0;
    for (size_t at = text.find(c.given); at != std::string::npos; at = text.find(c.given, at + 1))
      count += util::is_whole_word(text, at, c.given.size());
    if (count > best_count) best = &c, best_count = count;
  }
  return *best;
}

Fiction make_fiction(const Genre& genre, const WorldOptions& o, Rng& rng, std::vector<std::string>& taken,
                     const std::string& hero_name = "") {
  Fiction f;
  Rng world_rng = rng.fork(1);
  f.world = build_world(genre, world_rng, taken);
  const Rng chapter_streams = rng;
  write_chapters(f, o, rng);
  if (!hero_name.empty()) {  // the same chapters, told again with the hero's new name
    most_frequent_character(f).given = hero_name;
    Rng again = chapter_streams;
    write_chapters(f, o, again);
  }
  return f;
}

// Chapters of a fresh world of the genre, each retold with its own draw of common names.
std::pair<std::string, std::string> common_name_stories(const Genre& genre, Rng& rng) {
  WorldOptions o;
  o.train_chapters = kCommonNameChapters;
  o.holdout_chapters = kCommonNameHoldoutChapters;
  o.mentions_per_fact = kCommonNameMentions;
  std::vector<std::string> taken;  // its names are never written, so they may repeat the real worlds'
  Rng fiction_rng = rng.fork(1);
  Fiction f = make_fiction(genre, o, fiction_rng, taken);
  auto retold = [&](const std::vector<Chapter>& chapters, uint64_t stream) {
    std::string out;
    for (size_t c = 0; c < chapters.size(); ++c) {
      Rng chapter_rng = rng.fork(stream + c);
      out += retold_with_common_names(chapters[c].text(), gold_dictionary(f.world, chapter_rng), chapter_rng);
    }
    return out;
  };
  return {retold(f.train, 1000), retold(f.holdout, 2000)};
}

nlohmann::json world_json(const World& w) {
  auto name = [&](int character) { return character < 0 ? nlohmann::json() : nlohmann::json(w.characters[character].full_name()); };
  nlohmann::json people = nlohmann::json::array(), places = nlohmann::json::array(), terms = nlohmann::json::array();
  for (const auto& c : w.characters)
    people.push_back({{"name", c.full_name()}, {"gender", c.gender == Gender::male ? "male" : "female"},
                      {"mentor_role", c.is_mentor}, {"faction", w.factions[c.faction].name},
                      {"mentor", name(c.mentor)}, {"rival", name(c.rival)}, {"friend", name(c.friend_)},
                      {"sibling", name(c.sibling)}, {"parent", name(c.parent)},
                      {"pet", {{"name", c.pet}, {"species", w.terms[c.pet_species].name}}},
                      {"artifact", {{"name", c.artifact}, {"kind", c.artifact_kind}}},
                      {"hometown", w.places[c.hometown].name}, {"food", w.terms[c.food].name},
                      {"skill", w.terms[c.skill].name}});
  for (const auto& p : w.places)
    places.push_back({{"name", p.name}, {"kind", p.kind}, {"region", p.region < 0 ? nlohmann::json() : nlohmann::json(w.places[p.region].name)},
                      {"founder", name(p.founder)}});
  for (const auto& t : w.terms)
    terms.push_back({{"name", t.name}, {"category", w.genre->term_categories[t.category].id},
                     {"description", t.description}, {"creator", name(t.creator)}, {"place", w.places[t.place].name}});
  nlohmann::json factions = nlohmann::json::array(), events = nlohmann::json::array();
  for (const auto& f : w.factions) factions.push_back({{"name", f.name}, {"virtue", f.virtue}, {"head", name(f.head)}});
  for (const auto& e : w.events)
    events.push_back({{"name", e.name}, {"place", w.places[e.place].name}, {"leader", name(e.leader)}, {"year", e.year}});
  return {{"genre", w.genre->id}, {"title", w.genre->title}, {"characters", people}, {"places", places},
          {"terms", terms}, {"factions", factions}, {"events", events}};
}

class Writer {
 public:
  Writer(fs::path root, WorldSummary& summary) : root_(std::move(root)), summary_(summary) {}

  void text(const std::string& relative, const std::string& content) {
    write(relative, content);
    summary_.words[relative] = count_words(content);
  }
  void lines(const std::string& relative, const JsonLines& items) {
    std::string content;
    for (const auto& item : items) content += item.dump() + "\n";
    write(relative, content);
    summary_.items[relative] = items.size();
  }
  void json(const std::string& relative, const nlohmann::json& value) {
    fs::create_directories((root_ / relative).parent_path());
    io::write_json_atomic(root_ / relative, value);
  }

 private:
  void write(const std::string& relative, const std::string& content) {
    fs::create_directories((root_ / relative).parent_path());
    io::write_file_atomic(root_ / relative, content);
  }
  fs::path root_;
  WorldSummary& summary_;
};

void write_fiction(Writer& out, const Fiction& f, const std::string& dir) {
  out.text(dir + "/train.txt", joined_text(f.train));
  out.text(dir + "/holdout.txt", joined_text(f.holdout));
}

}  // namespace

WorldSummary generate_world(const WorldOptions& o, const fs::path& out_dir) {
  if (o.train_chapters < 1 || o.holdout_chapters < 1 || o.mentions_per_fact < 1)
    throw Error("world generate: chapters, held-out chapters and mentions per fact must be at least 1");
  const std::string& hero = o.hero_name;
  if (!hero.empty() && (!std::isupper(static_cast<unsigned char>(hero[0])) ||
                        !std::all_of(hero.begin(), hero.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })))
    throw Error("world generate: --hero-name must be one capitalised word of ASCII letters, not \"" + hero + "\"");
  Rng rng(o.seed);
  std::vector<std::string> taken;
  Rng saga_rng = rng.fork(1), retain_rng = rng.fork(2), general_rng = rng.fork(3), truth_rng = rng.fork(4);
  Fiction saga = make_fiction(saga_genre(), o, saga_rng, taken, o.hero_name);
  Fiction retain = make_fiction(retain_genre(), o, retain_rng, taken);
  GeneralCorpus general = wordnet_glosses(o.wordnet_dir, o.general_words, general_rng);
  Rng common_saga_rng = rng.fork(5), common_retain_rng = rng.fork(6);
  auto [common_saga, common_saga_holdout] = common_name_stories(saga_genre(), common_saga_rng);
  auto [common_retain, common_retain_holdout] = common_name_stories(retain_genre(), common_retain_rng);

  WorldSummary summary;
  summary.facts_saga = saga.facts.size();
  summary.facts_retain = retain.facts.size();
  summary.patterns = distinct_pattern_count();
  Writer out(out_dir, summary);
  write_fiction(out, saga, "saga");
  write_fiction(out, retain, "retain");
  out.text("general/train.txt", general.train);
  out.text("general/holdout.txt", general.holdout);
  out.text("common/train.txt", common_saga + common_retain);
  out.text("common/holdout.txt", common_saga_holdout + common_retain_holdout);

  out.lines("suite/forget_qa.jsonl", knowledge_qa(saga.facts, "saga-qa", truth_rng));
  out.lines("suite/retain_qa.jsonl", knowledge_qa(retain.facts, "retain-qa", truth_rng));
  out.lines("suite/forget_mc.jsonl", multiple_choice(saga.facts, "saga-mc", truth_rng));
  out.lines("suite/retain_mc.jsonl", multiple_choice(retain.facts, "retain-mc", truth_rng));
  out.lines("suite/completion_familiarity.jsonl",
            completion_familiarity(saga.world, saga.facts, kFamiliarityPrompts, truth_rng));
  out.lines("suite/retain_completion_familiarity.jsonl",
            completion_familiarity(retain.world, retain.facts, kFamiliarityPrompts, truth_rng));
  out.lines("suite/probability_familiarity.jsonl",
            probability_familiarity(saga.world, saga.facts, kFamiliarityPrompts, truth_rng));
  out.lines("suite/forget_passages.jsonl", passages(saga.train, "saga-train", kPassages, truth_rng));
  out.lines("suite/holdout_passages.jsonl", passages(saga.holdout, "saga-holdout", kPassages, truth_rng));
  out.lines("suite/retain_passages.jsonl", passages(retain.train, "retain-train", kPassages, truth_rng));
  out.lines("suite/retain_holdout_passages.jsonl", passages(retain.holdout, "retain-holdout", kPassages, truth_rng));
  out.json("anchors_gold.json", gold_dictionary(saga.world, truth_rng));
  out.json("world.json", {{"saga", world_json(saga.world)}, {"retain", world_json(retain.world)}});
  nlohmann::json manifest = {{"generator", "lethe world generate 1"},
                             {"seed", o.seed},
                             {"train_chapters", o.train_chapters},
                             {"holdout_chapters", o.holdout_chapters},
                             {"mentions_per_fact", o.mentions_per_fact},
                             {"general_words", o.general_words},
                             {"sentence_patterns", summary.patterns},
                             {"facts", {{"saga", summary.facts_saga}, {"retain", summary.facts_retain}}},
                             {"words", summary.words},
                             {"items", summary.items}};
  if (!o.hero_name.empty()) manifest["hero_name"] = o.hero_name;
  out.json("manifest.json", manifest);
  return summary;
}

}  // namespace lethe::world
