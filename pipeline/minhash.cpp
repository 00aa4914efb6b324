#include "pipeline/minhash.h"

#include <algorithm>
#include <array>
#include <utility>

#include "pipeline/shingles.h"

namespace broadsheet::pipeline {

namespace {

constexpr int max_hashes = 1024;
constexpr std::uint64_t densify_salt = 0x64656e7369667931ULL;  // "densify1"

__extension__ using u128 = unsigned __int128;

// A value in [0, k) from the high bits of x (Lemire's multiply-shift range reduction).
inline std::uint32_t reduce(std::uint64_t x, std::uint32_t k) noexcept {
  return static_cast<std::uint32_t>((static_cast<u128>(x) * k) >> 64);
}

}  // namespace

minhasher::minhasher(minhash_options options) : options_(options) {
  options_.num_hashes = std::clamp(options_.num_hashes, 16, max_hashes);
}

void minhasher::sign(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const noexcept {
  const auto k = static_cast<std::uint32_t>(options_.num_hashes);
  std::fill(out.begin(), out.end(), 0xFFFFFFFFu);
  if (shingles.empty()) return;
  const auto bin_and_value = [&](std::uint64_t s) {
    const std::uint64_t x = mix64(s ^ options_.seed);
    return std::pair{reduce(x, k), static_cast<std::uint32_t>(x)};
  };
  // Which bins a shingle reached is not kept per shingle: a bin still 0xFFFFFFFF was reached by
  // none, unless a value was 0xFFFFFFFF (about one set of 400 shingles in 10^7), and then the
  // bins are found again, the general path. Or-ing each bin into a bitset, two words for K = 128
  // and so a chain through memory from shingle to shingle, gave dedup/signature/128 374 MiB/s,
  // not 390.
  bool all_ones = false;
  for (const std::uint64_t s : shingles) {
    const auto [bin, value] = bin_and_value(s);
    out[bin] = std::min(out[bin], value);
    all_ones |= value == 0xFFFFFFFFu;
  }
  if (!all_ones) [[likely]] {
    densify(out, [&](std::uint32_t bin) { return out[bin] != 0xFFFFFFFFu; });
    return;
  }
  std::array<std::uint64_t, max_hashes / 64> filled{};
  for (const std::uint64_t s : shingles) {
    const std::uint32_t bin = bin_and_value(s).first;
    filled[bin >> 6] |= std::uint64_t{1} << (bin & 63);
  }
  densify(out, [&](std::uint32_t bin) { return (filled[bin >> 6] & (std::uint64_t{1} << (bin & 63))) != 0; });
}

// Optimal densification: an empty bin takes the value of the first non-empty bin in its own fixed
// pseudo-random sequence of bins. Values are only ever copied from bins that a shingle reached,
// so the result does not depend on the order bins are filled in. reached(bin) must answer for
// out as the shingles left it: the copies are written once all are found.
template <class Reached>
void minhasher::densify(std::span<std::uint32_t> out, Reached reached) const noexcept {
  const auto k = static_cast<std::uint32_t>(options_.num_hashes);
  // The empty bins, listed without a branch per bin: with a few hundred shingles in 128 bins,
  // about one bin in ten is empty, at random, and a branch on each was mispredicted
  // (dedup/signature/128 372 MiB/s instead of 390).
  std::array<std::uint32_t, max_hashes> empty;
  std::size_t count = 0;
  for (std::uint32_t bin = 0; bin < k; ++bin) {
    empty[count] = bin;
    count += !reached(bin);
  }
  std::array<std::uint32_t, max_hashes> copied;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t bin = empty[i];
    for (std::uint64_t attempt = 0;; ++attempt) {
      const std::uint32_t donor =
          reduce(mix64(options_.seed ^ densify_salt ^ (static_cast<std::uint64_t>(bin) << 32) ^ attempt), k);
      if (reached(donor)) {
        copied[i] = out[donor];
        break;
      }
    }
  }
  for (std::size_t i = 0; i < count; ++i) out[empty[i]] = copied[i];
}

double estimate_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < n; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(n);
}

}  // namespace broadsheet::pipeline
