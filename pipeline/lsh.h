#pragma once
// Locality-sensitive hashing over MinHash signatures: b bands of r rows. Two signatures become
// candidates when all r values of at least one band are equal, which happens with probability
// P(J) = 1 - (1 - J^r)^b (the S-curve). Candidates are then verified by their estimated Jaccard.

#include <string>
#include <vector>

namespace broadsheet::pipeline {

struct lsh_params {
  int bands = 0;
  int rows = 0;
};

// P(two signatures with Jaccard j become candidates).
[[nodiscard]] double candidate_probability(double j, lsh_params p) noexcept;

// Bands × rows for a threshold: among the splits with bands × rows ≤ num_hashes whose
// P(threshold) ≥ min_recall, the one with the least area under the S-curve below the threshold
// (the fewest candidates that verification must then reject). Recall first, cost second: the
// verification step keeps precision.
[[nodiscard]] lsh_params choose_lsh_params(double threshold, int num_hashes, double min_recall = 0.97) noexcept;

// The S-curve at J = 0.3, 0.4, …, 0.95 as a Markdown table row set (for docs and reports).
[[nodiscard]] std::string describe_s_curve(lsh_params p);

}  // namespace broadsheet::pipeline
