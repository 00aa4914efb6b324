// The evaluation of the targets with the default configuration, on a synthetic corpus
// with planted reprints (headline change, paragraph drop/add/reorder, sentence edits, 1-5 %
// character noise) and hard negatives (different stories sharing boilerplate sentences):
// recall >= 0.95 on planted reprints, precision >= 0.99, no hard-negative false positive.
// bench/dedup_eval.cpp runs the same evaluation over parameter sweeps.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tests/support/evaluation.h"

namespace broadsheet::pipeline {
namespace {

TEST(dedup_evaluation, default_configuration_meets_the_targets_on_planted_reprints) {
  const auto c = testing::make_corpus({.stories = 300, .reprinted = 0.5, .max_reprints = 3, .hard_negative_pairs = 60,
                                       .max_noise = 0.05, .days = 25, .seed = 2025});
  std::vector<std::size_t> order(c.articles.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(3);
  std::shuffle(order.begin(), order.end(), rng);
  const auto e = testing::evaluate(c, dedup_options{}, order, true);
  std::string kinds;
  for (auto [k, r] : e.recall_by_kind) kinds += std::string(testing::to_string(k)) + "=" + std::to_string(r) + " ";
  std::printf("articles %zu truth pairs %zu predicted %zu precision %.4f recall %.4f hard-negative FP %zu/%zu "
              "exact-J recall %.4f (%zu pairs)\n  recall by kind: %s\n",
              e.articles, e.truth_pairs, e.predicted_pairs, e.precision, e.recall, e.hard_negative_false_positives,
              e.hard_negative_pairs, e.exact_recall, e.exact_pairs, kinds.c_str());
  EXPECT_GE(e.recall, 0.95);
  EXPECT_GE(e.precision, 0.99);
  EXPECT_EQ(e.hard_negative_false_positives, 0u);
}

}  // namespace
}  // namespace broadsheet::pipeline
