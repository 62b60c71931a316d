#pragma once
// Chapters of prose: each fact is told in narration or dialogue drawn from its relation's
// patterns, among scene sentences that carry no fact. Training chapters end with a reader's
// companion: a question and answer for every askable fact the chapter told, the form in which
// knowledge QA later asks (rephrased questions stay out of the text, for robustness tests).
#include <set>
#include <string>
#include <vector>

#include "world/facts.h"
#include "util/rng.h"
#include "world/world.h"

namespace lethe::world {

struct Chapter {
  std::string title;                    // "Chapter 3: Torvin Galloway"
  std::vector<std::vector<std::string>> paragraphs;  // narration: paragraphs of sentences
  std::vector<std::string> companion;   // "Question: ...\nAnswer: ..." entries
  std::string text() const;
  std::string paragraph_text(size_t index) const;
};

struct ChapterRequest {
  int number = 1;
  std::vector<int> fact_ids;  // the facts to tell, in order
  bool with_companion = true;
  // Sentences that must not appear (held-out chapters avoid every training sentence); may be null.
  const std::set<std::string>* forbidden = nullptr;
};

Chapter write_chapter(const World& world, const std::vector<Fact>& facts, const ChapterRequest& request, Rng& rng);

// Every sentence of the chapter's narration and companion (to keep held-out text disjoint).
std::vector<std::string> chapter_sentences(const Chapter& chapter);

}  // namespace lethe::world
