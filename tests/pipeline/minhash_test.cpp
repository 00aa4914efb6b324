#include "pipeline/minhash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pipeline/shingles.h"

namespace broadsheet::pipeline {
namespace {

// Two sets with exactly `shared` common elements out of `total` distinct: J = shared / total.
void make_pair(std::mt19937_64& rng, int total, int shared, std::vector<std::uint64_t>& a,
               std::vector<std::uint64_t>& b) {
  a.clear();
  b.clear();
  const int only = (total - shared) / 2;
  for (int i = 0; i < shared; ++i) {
    const auto x = rng();
    a.push_back(x);
    b.push_back(x);
  }
  for (int i = 0; i < only; ++i) a.push_back(rng());
  for (int i = 0; i < total - shared - only; ++i) b.push_back(rng());
}

TEST(minhash, identical_sets_give_identical_signatures_and_disjoint_sets_almost_none_equal) {
  minhasher m;
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> a(300), b(300);
  for (auto& x : a) x = rng();
  for (auto& x : b) x = rng();
  std::vector<std::uint32_t> sa(128), sa2(128), sb(128);
  m.sign(a, sa);
  std::vector<std::uint64_t> shuffled = a;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  m.sign(shuffled, sa2);
  m.sign(b, sb);
  EXPECT_EQ(sa, sa2);  // a set: order and duplicates do not matter
  EXPECT_EQ(estimate_jaccard(sa, sa2), 1.0);
  EXPECT_LT(estimate_jaccard(sa, sb), 0.03);
}

TEST(minhash, estimates_are_unbiased_against_exact_jaccard) {
  // For each J and set size (short paragraphs to long articles), the mean estimate over many
  // pairs must equal J within sampling error, and the spread must be that of K Bernoulli trials.
  minhasher m;
  std::mt19937_64 rng(42);
  std::vector<std::uint64_t> a, b;
  std::vector<std::uint32_t> sa(128), sb(128);
  for (int total : {40, 200, 2000}) {
    for (double j : {0.1, 0.3, 0.5, 0.7, 0.9}) {
      const int shared = static_cast<int>(std::lround(j * total));
      const double exact = static_cast<double>(shared) / total;
      double sum = 0, sq = 0;
      constexpr int trials = 400;
      for (int t = 0; t < trials; ++t) {
        make_pair(rng, total, shared, a, b);
        m.sign(a, sa);
        m.sign(b, sb);
        const double e = estimate_jaccard(sa, sb);
        sum += e - exact;
        sq += (e - exact) * (e - exact);
      }
      const double bias = sum / trials, rmse = std::sqrt(sq / trials);
      const double expected_rmse = std::sqrt(exact * (1 - exact) / 128);
      EXPECT_LT(std::abs(bias), 0.012) << "total " << total << " J " << exact;
      EXPECT_LT(rmse, expected_rmse * 1.6 + 0.005) << "total " << total << " J " << exact;
    }
  }
}

TEST(minhash, signatures_are_fixed_for_a_seed_and_differ_across_seeds) {
  const std::vector<std::uint64_t> set{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::vector<std::uint32_t> s1(64), s2(64), s3(64);
  minhasher(minhash_options{.num_hashes = 64}).sign(set, s1);
  minhasher(minhash_options{.num_hashes = 64}).sign(set, s2);
  minhasher(minhash_options{.num_hashes = 64, .seed = 7}).sign(set, s3);
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, s3);
  // Pinned: signatures are persisted and shared between workers; a change is a format change.
  EXPECT_EQ(s1[0], 0xcfa8939fu);
  EXPECT_EQ(s1[1], 0x39d13e56u);
  EXPECT_EQ(s1[63], 0xe23d942fu);
}

}  // namespace
}  // namespace broadsheet::pipeline
