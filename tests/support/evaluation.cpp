#include "tests/support/evaluation.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace broadsheet::testing {

evaluation evaluate(const corpus& c, const pipeline::dedup_options& options, const std::vector<std::size_t>& order,
                    bool with_exact_jaccard) {
  pipeline::signer sign(options);
  pipeline::dedup_index index(options);
  std::unordered_map<std::string, std::optional<std::string>> final_state;  // article → canonical
  for (std::size_t i : order) {
    const auto& a = c.articles[i];
    const auto outcome = index.add(sign.sign(a.article_id, a.key, a.body));
    final_state[a.article_id] = outcome.verdict.duplicate_of;
    for (const auto& corr : outcome.corrections) final_state[corr.article_id] = corr.verdict.duplicate_of;
  }
  const std::size_t n = c.articles.size();
  std::vector<std::string> group(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& d = final_state[c.articles[i].article_id];
    group[i] = d ? *d : c.articles[i].article_id;
  }
  std::set<std::pair<int, int>> hard;
  for (auto [x, y] : c.hard_negative_stories) hard.insert({std::min(x, y), std::max(x, y)});

  // Exact Jaccard needs the shingle sets.
  std::vector<std::vector<std::uint64_t>> sets;
  if (with_exact_jaccard) {
    pipeline::shingler sh(options.shingles);
    sets.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      sh.shingle(c.articles[i].body, sets[i]);
      std::sort(sets[i].begin(), sets[i].end());
      sets[i].erase(std::unique(sets[i].begin(), sets[i].end()), sets[i].end());
    }
  }
  auto exact_j = [&](std::size_t i, std::size_t j) {
    std::size_t shared = 0;
    auto a = sets[i].begin(), b = sets[j].begin();
    while (a != sets[i].end() && b != sets[j].end()) {
      if (*a < *b) ++a;
      else if (*b < *a) ++b;
      else { ++shared; ++a; ++b; }
    }
    const std::size_t uni = sets[i].size() + sets[j].size() - shared;
    return uni == 0 ? 0.0 : static_cast<double>(shared) / static_cast<double>(uni);
  };

  evaluation e;
  e.articles = n;
  std::map<variant, std::pair<std::size_t, std::size_t>> by_kind;  // found, total
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const auto& a = c.articles[i];
      const auto& b = c.articles[j];
      const bool truth = a.story == b.story;
      const bool predicted = group[i] == group[j];
      e.truth_pairs += truth;
      e.predicted_pairs += predicted;
      e.true_positives += truth && predicted;
      if (hard.count({std::min(a.story, b.story), std::max(a.story, b.story)}) > 0) {
        ++e.hard_negative_pairs;
        e.hard_negative_false_positives += predicted;
      }
      if (truth && (a.kind == variant::original || b.kind == variant::original)) {
        auto& k = by_kind[a.kind == variant::original ? b.kind : a.kind];
        k.first += predicted;
        ++k.second;
      }
      if (with_exact_jaccard && exact_j(i, j) >= options.threshold) {
        ++e.exact_pairs;
        e.exact_found += predicted;
      }
    }
  }
  e.precision = e.predicted_pairs == 0 ? 1.0 : static_cast<double>(e.true_positives) / e.predicted_pairs;
  e.recall = e.truth_pairs == 0 ? 1.0 : static_cast<double>(e.true_positives) / e.truth_pairs;
  e.exact_recall = e.exact_pairs == 0 ? 1.0 : static_cast<double>(e.exact_found) / e.exact_pairs;
  for (auto& [kind, counts] : by_kind) {
    e.recall_by_kind.emplace_back(kind, counts.second == 0 ? 1.0 : static_cast<double>(counts.first) / counts.second);
  }
  return e;
}

}  // namespace broadsheet::testing
