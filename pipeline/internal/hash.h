#pragma once
// The fixed 64-bit hashes the pipeline persists or publishes (article ids, checksums, shingle
// and signature hashes). Fixed forever: changing one changes stored data.

#include <cstddef>
#include <cstdint>
#include <cstring>
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

// A hash of the bytes eight at a time (little-endian words, the last one zero-padded, the length
// folded in first), then mix64. Each step is a bijection of the state for a given word and of the
// word for a given state, so a change confined to one word always changes the result. About six
// times faster than hash_bytes, whose multiply per byte is a chain of dependent steps.
[[nodiscard]] inline std::uint64_t hash_words(std::string_view bytes) noexcept {
  std::uint64_t h = (fnv_offset ^ bytes.size()) * fnv_prime;
  std::size_t i = 0;
  const auto step = [&h](std::uint64_t word) {
    h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  };
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, sizeof word);
    step(word);
  }
  if (i < bytes.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, bytes.size() - i);
    step(word);
  }
  return mix64(h);
}

}  // namespace broadsheet::pipeline::internal
