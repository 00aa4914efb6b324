#pragma once
// Synthetic Chinese news articles with planted reprints and hard negatives, for the dedup tests,
// the evaluation and the benchmarks. Sentences come from tests/support/news_templates.inc
// (written for this project, fictional). Deterministic for a seed.
//
// A base story is a topic's sentences with random places, people and numbers filled in. Each
// base may get reprints: a new headline, a paragraph dropped or added, paragraphs reordered,
// sentences edited, or 1-5 % of characters replaced (OCR noise), or a mix. Hard negatives are
// pairs of different stories that share several boilerplate sentences word for word.

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/dedup.h"

namespace broadsheet::testing {

enum class variant { original, headline, drop_paragraph, add_paragraph, reorder, sentence_edit, noise, mixed };
[[nodiscard]] const char* to_string(variant v) noexcept;

struct synthetic_article {
  std::string article_id;
  pipeline::order_key key;
  std::string title;
  std::string body;  // paragraphs joined by "\n"
  int story = 0;     // ground truth: articles with the same story are reprints of each other
  variant kind = variant::original;
};

struct corpus_options {
  int stories = 200;            // distinct base stories
  double reprinted = 0.5;       // fraction of stories that get reprints
  int max_reprints = 3;         // 1..max_reprints reprints each
  int hard_negative_pairs = 60; // stories written in pairs sharing boilerplate
  double max_noise = 0.05;      // character noise rate of noisy reprints, up to this
  int days = 60;                // event days spread
  std::uint64_t seed = 1;
};

struct corpus {
  std::vector<synthetic_article> articles;
  std::vector<std::pair<int, int>> hard_negative_stories;  // story ids written to share boilerplate
};

[[nodiscard]] corpus make_corpus(const corpus_options& options);

}  // namespace broadsheet::testing
