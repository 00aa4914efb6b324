#include "pipeline/minhash.h"

#include <algorithm>
#include <array>

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
  std::array<std::uint64_t, max_hashes / 64> filled{};
  for (const std::uint64_t s : shingles) {
    const std::uint64_t x = mix64(s ^ options_.seed);
    const std::uint32_t bin = reduce(x, k);
    const auto value = static_cast<std::uint32_t>(x);
    out[bin] = std::min(out[bin], value);
    filled[bin >> 6] |= std::uint64_t{1} << (bin & 63);
  }
  if (shingles.empty()) return;
  // Optimal densification: an empty bin takes the value of the first non-empty bin in its own
  // fixed pseudo-random sequence of bins. Values are only ever copied from bins that a shingle
  // reached, so the result does not depend on the order bins are filled in.
  for (std::uint32_t bin = 0; bin < k; ++bin) {
    if (filled[bin >> 6] & (std::uint64_t{1} << (bin & 63))) continue;
    for (std::uint64_t attempt = 0;; ++attempt) {
      const std::uint32_t donor =
          reduce(mix64(options_.seed ^ densify_salt ^ (static_cast<std::uint64_t>(bin) << 32) ^ attempt), k);
      if (filled[donor >> 6] & (std::uint64_t{1} << (donor & 63))) {
        out[bin] = out[donor];
        break;
      }
    }
  }
}

double estimate_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < n; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(n);
}

}  // namespace broadsheet::pipeline
