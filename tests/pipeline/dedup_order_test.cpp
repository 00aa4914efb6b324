// The property ARCHITECTURE.md promises: decisions do not depend on arrival order. For random
// permutations of one corpus (with replays mixed in), the final state that the emitted records
// give (the latest revision of each article_id) equals the state from adding the articles in
// order-key order.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "pipeline/dedup.h"
#include "tests/support/synthetic_news.h"

namespace broadsheet::pipeline {
namespace {

using testing::corpus;

struct final_record {
  int revision = -1;
  std::optional<std::string> duplicate_of;
  std::optional<double> similarity;
};

std::map<std::string, final_record> run(const corpus& c, const std::vector<std::size_t>& order, const dedup_options& o) {
  signer sign(o);
  dedup_index index(o);
  std::map<std::string, final_record> state;
  auto emit = [&](const std::string& id, const dedup_verdict& v) {
    auto& r = state[id];
    if (v.revision >= r.revision) r = final_record{v.revision, v.duplicate_of, v.similarity};
  };
  for (std::size_t i : order) {
    const auto& a = c.articles[i];
    const auto outcome = index.add(sign.sign(a.article_id, a.key, a.body));
    emit(a.article_id, outcome.verdict);
    for (const auto& corr : outcome.corrections) emit(corr.article_id, corr.verdict);
    EXPECT_NE(outcome.verdict.duplicate_of, a.article_id) << "an article is never its own duplicate";
  }
  return state;
}

TEST(dedup_order, final_state_is_the_same_for_every_arrival_order_and_with_replays) {
  const corpus c = testing::make_corpus({.stories = 80, .reprinted = 0.7, .max_reprints = 3, .hard_negative_pairs = 10,
                                         .max_noise = 0.05, .days = 20, .seed = 11});
  const dedup_options o;
  std::vector<std::size_t> by_key(c.articles.size());
  for (std::size_t i = 0; i < by_key.size(); ++i) by_key[i] = i;
  std::sort(by_key.begin(), by_key.end(), [&](std::size_t a, std::size_t b) { return c.articles[a].key < c.articles[b].key; });
  const auto reference = run(c, by_key, o);
  std::size_t duplicates = 0;
  for (const auto& [id, r] : reference) duplicates += r.duplicate_of.has_value();
  ASSERT_GT(duplicates, 30u) << "the corpus must plant enough reprints to test anything";

  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> order = by_key;
    std::shuffle(order.begin(), order.end(), rng);
    // replays: some articles arrive again later
    for (int r = 0; r < 20; ++r) order.push_back(order[std::uniform_int_distribution<std::size_t>(0, order.size() - 1)(rng)]);
    const auto state = run(c, order, o);
    ASSERT_EQ(state.size(), reference.size());
    for (const auto& [id, want] : reference) {
      const auto& got = state.at(id);
      EXPECT_EQ(got.duplicate_of, want.duplicate_of) << "seed " << seed << " article " << id;
      EXPECT_EQ(got.similarity, want.similarity) << "seed " << seed << " article " << id;
    }
  }
}

}  // namespace
}  // namespace broadsheet::pipeline
