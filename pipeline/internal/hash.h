#pragma once
// The fixed 64-bit hashes the pipeline persists or publishes (article ids, checksums, shingle
// and signature hashes). Fixed forever: changing one changes stored data.

#include <cstdint>
#include <string_view>

namespace broadsheet::pipeline::internal {

// MurmurHash3's fmix64 finaliser: a bijection on 64 bits with full avalanche.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

inline constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

// FNV-1a 64 over the bytes, then mix64.
[[nodiscard]] inline std::uint64_t hash_bytes(std::string_view bytes) noexcept {
  std::uint64_t h = fnv_offset;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= fnv_prime;
  }
  return mix64(h);
}

}  // namespace broadsheet::pipeline::internal
