#pragma once
// MinHash signatures by one-permutation hashing with optimal densification (Li, Owen & Zhang
// 2012; Shrivastava 2017): each shingle hash is mixed with the seed once, its high bits choose
// one of K bins and its low 32 bits compete for that bin's minimum; bins no shingle reached
// copy the value of a non-empty bin chosen by a fixed hash sequence of (bin, attempt). One
// multiply-and-mix per shingle instead of K, and the fraction of equal bins of two signatures is
// an unbiased estimate of their Jaccard similarity (tests/pipeline/minhash_test.cpp measures it).
//
// Signatures are persisted and shared between workers: the seed and the scheme are fixed and
// versioned (signature_scheme_version); changing either is a new version.

#include <cstdint>
#include <span>
#include <vector>

namespace broadsheet::pipeline {

inline constexpr std::uint32_t signature_scheme_version = 1;
inline constexpr std::uint64_t default_minhash_seed = 0x62726f6164736831ULL;  // "broadsh1"

struct minhash_options {
  int num_hashes = 128;  // K, 16 to 1024
  std::uint64_t seed = default_minhash_seed;
};

class minhasher {
 public:
  explicit minhasher(minhash_options options = {});

  [[nodiscard]] int num_hashes() const noexcept { return options_.num_hashes; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return options_.seed; }

  // Writes the signature of the shingle set into out (out.size() == num_hashes()). An empty set
  // gives all-0xFFFFFFFF. Thread-safe (no state but the options).
  void sign(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const noexcept;

 private:
  template <class Reached>
  void densify(std::span<std::uint32_t> out, Reached reached) const noexcept;

  minhash_options options_;
};

// Fraction of equal positions: the estimate of the Jaccard similarity of the two sets.
[[nodiscard]] double estimate_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) noexcept;

}  // namespace broadsheet::pipeline
