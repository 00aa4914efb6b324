#pragma once
// shingler: the text an article is compared by, as a set of 64-bit shingle hashes.
//
// Dedup normalisation: NFKC (ICU, only when the text holds a character NFKC may change), then
// only letters, digits and CJK characters are kept (punctuation, symbols and white space are
// dropped) and Latin letters are lower-cased. Shingles are character n-grams over what is kept
// (the default: for Chinese, where one character carries about a word) or, as an option, word
// n-grams from ICU's word BreakIterator.
//
// Hashes are fixed (versioned with the signature format): the same text gives the same hashes
// on every machine and build.
//
// Not thread-safe (reuses buffers): one shingler per thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/internal/hash.h"

namespace broadsheet::pipeline {

enum class shingle_unit { chars, words };

struct shingle_options {
  shingle_unit unit = shingle_unit::chars;
  int n = 5;  // characters (or words) per shingle, 1 to 16
};

class shingler {
 public:
  explicit shingler(shingle_options options = {});
  ~shingler();
  shingler(const shingler&) = delete;
  shingler& operator=(const shingler&) = delete;

  // Replaces out with the shingle hashes of text (one per position, duplicates kept: a set is
  // what MinHash sees). A text shorter than n gives one shingle of all of it; an empty one none.
  void shingle(std::string_view text, std::vector<std::uint64_t>& out);

  // The dedup-normalised text of the last call (code points), for its length and exact hash;
  // valid until the next call.
  [[nodiscard]] std::u32string_view normalized() const noexcept { return {normalized_.get(), size_}; }
  // hash_code_points(normalized()), computed with the shingles.
  [[nodiscard]] std::uint64_t normalized_hash() const noexcept { return normalized_hash_; }

  [[nodiscard]] const shingle_options& options() const noexcept { return options_; }

  // The dedup normalisation of text by the general path alone, one code point at a time (no
  // fast path): what shingle() must give, for tests. Returns normalized().
  std::u32string_view normalize_one_at_a_time(std::string_view text);

 private:
  void normalize(std::string_view text);
  template <bool fast_path>
  void normalize(std::string_view text);
  // Through ICU's NFKC; makes room for its output and bytes_after more code points.
  void normalize_segment(std::string_view segment, std::size_t bytes_after);
  // Room for size_ + more code points in normalized_ (keeping the size_ written).
  void make_room(std::size_t more);
  // Writes c, or nothing for 0: the slot after size_ must be there.
  void put(char32_t c) noexcept {
    normalized_[size_] = c;
    size_ += c != 0;
  }

  shingle_options options_;
  std::unique_ptr<char32_t[]> normalized_;  // capacity_ code points, the first size_ written
  std::size_t size_ = 0, capacity_ = 0;
  std::uint64_t normalized_hash_ = 0;
  std::string nfkc_;
  struct word_breaker;
  std::unique_ptr<word_breaker> words_;  // only for shingle_unit::words
};

// Fixed 64-bit hash of a code point sequence (the exact-duplicate key of a normalised text).
[[nodiscard]] std::uint64_t hash_code_points(std::u32string_view s) noexcept;

// The 64-bit finaliser used throughout dedup (MurmurHash3's fmix64).
using internal::mix64;

}  // namespace broadsheet::pipeline
