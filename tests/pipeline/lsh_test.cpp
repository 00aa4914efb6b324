#include "pipeline/lsh.h"

#include <gtest/gtest.h>

#include <cmath>

namespace broadsheet::pipeline {
namespace {

TEST(lsh, candidate_probability_follows_the_s_curve) {
  const lsh_params p{32, 4};
  EXPECT_DOUBLE_EQ(candidate_probability(0.0, p), 0.0);
  EXPECT_DOUBLE_EQ(candidate_probability(1.0, p), 1.0);
  EXPECT_NEAR(candidate_probability(0.5, p), 1 - std::pow(1 - 0.0625, 32), 1e-12);
  double previous = 0;
  for (double j = 0.05; j <= 1.0; j += 0.05) {
    EXPECT_GE(candidate_probability(j, p), previous);
    previous = candidate_probability(j, p);
  }
}

TEST(lsh, chosen_bands_reach_the_recall_at_the_threshold_within_the_hashes) {
  for (int k : {64, 128, 256}) {
    for (double t : {0.4, 0.5, 0.6, 0.8}) {
      const lsh_params p = choose_lsh_params(t, k, 0.97);
      EXPECT_LE(p.bands * p.rows, k);
      EXPECT_GE(candidate_probability(t, p), 0.97) << "k " << k << " t " << t;
      // Least candidates below the threshold: one more row per band would lose the recall.
      const lsh_params tighter{k / (p.rows + 1), p.rows + 1};
      EXPECT_LT(candidate_probability(t, tighter), 0.97) << "k " << k << " t " << t;
    }
  }
}

}  // namespace
}  // namespace broadsheet::pipeline
