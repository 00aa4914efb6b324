#pragma once
// Pair-level quality of near-duplicate decisions on a synthetic corpus: the articles are added
// in a given order, the final state (after corrections) groups them by canonical, and the pairs
// in one group are compared with the planted truth (same story) and with exact Jaccard.

#include <cstdint>
#include <vector>

#include "pipeline/dedup.h"
#include "tests/support/synthetic_news.h"

namespace broadsheet::testing {

struct evaluation {
  std::size_t articles = 0, truth_pairs = 0, predicted_pairs = 0, true_positives = 0;
  std::size_t hard_negative_pairs = 0, hard_negative_false_positives = 0;
  double precision = 0, recall = 0;
  // Against exact Jaccard of the shingle sets (pairs with exact J >= threshold): how many of
  // them the index linked into one group, and how many of its groupings have exact J below.
  std::size_t exact_pairs = 0, exact_found = 0;
  double exact_recall = 0;
  // Recall per kind of reprint (pairs between an original and that kind of reprint).
  std::vector<std::pair<variant, double>> recall_by_kind;
};

// Adds corpus.articles to a new index in the given order (indices into corpus.articles).
[[nodiscard]] evaluation evaluate(const corpus& c, const pipeline::dedup_options& options,
                                  const std::vector<std::size_t>& order, bool with_exact_jaccard);

}  // namespace broadsheet::testing
