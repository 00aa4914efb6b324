#include "pipeline/minhash.h"

#include <gtest/gtest.h>

#include <array>
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

// The inverse of mix64: a shingle whose mixed hash is x.
std::uint64_t unmix64(std::uint64_t x) {
  const auto inverse = [](std::uint64_t odd) {
    std::uint64_t inv = odd;  // Newton's iteration: each step doubles the bits that are right
    for (int i = 0; i < 6; ++i) inv *= 2 - odd * inv;
    return inv;
  };
  x ^= x >> 33;
  x *= inverse(0xc4ceb9fe1a85ec53ULL);
  x ^= x >> 33;
  x *= inverse(0xff51afd7ed558ccdULL);
  x ^= x >> 33;
  return x;
}

// A shingle that lands in bin of k with the given value.
std::uint64_t shingle_for(std::uint32_t bin, std::uint32_t k, std::uint32_t value) {
  __extension__ using u128 = unsigned __int128;
  const auto lowest = static_cast<std::uint64_t>(((static_cast<u128>(bin) << 64) + k - 1) / k);
  const std::uint64_t x = (((lowest >> 32) + 1) << 32) | value;
  EXPECT_EQ(static_cast<std::uint32_t>((static_cast<u128>(x) * k) >> 64), bin);
  return unmix64(x) ^ default_minhash_seed;
}

TEST(minhash, a_bin_whose_minimum_is_0xffffffff_counts_as_reached) {
  // A bin no shingle reached holds 0xFFFFFFFF until densified; sign tells it from one reached
  // with that very value by a second look at the shingles (its general path). For many random
  // sets, one shingle is added in a bin with the value 0xFFFFFFFE (the usual path) or
  // 0xFFFFFFFF (the general path): the signatures must agree but for that value.
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> set;
  for (int round = 0; round < 3000; ++round) {
    // given
    const std::uint32_t k = std::array{16u, 64u, 128u, 256u, 1024u}[rng() % 5];
    const minhasher m(minhash_options{.num_hashes = static_cast<int>(k)});
    set.resize(rng() % (3 * k));
    for (auto& x : set) x = rng();
    const auto bin = static_cast<std::uint32_t>(rng() % k);
    set.push_back(shingle_for(bin, k, 0xFFFFFFFEu));
    std::vector<std::uint32_t> usual(k), general(k);
    // when
    m.sign(set, usual);
    set.back() = shingle_for(bin, k, 0xFFFFFFFFu);
    m.sign(set, general);
    // then
    for (auto& v : usual) v = v == 0xFFFFFFFEu ? 0xFFFFFFFFu : v;
    ASSERT_EQ(usual, general) << "round " << round << " k " << k << " bin " << bin;
  }
}

}  // namespace
}  // namespace broadsheet::pipeline
