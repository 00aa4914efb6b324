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

  // The dedup-normalised text of the last call (code points), for its length and exact hash.
  [[nodiscard]] const std::u32string& normalized() const noexcept { return normalized_; }

  [[nodiscard]] const shingle_options& options() const noexcept { return options_; }

 private:
  void normalize(std::string_view text);
  void normalize_segment(std::string_view segment);  // through ICU's NFKC

  shingle_options options_;
  std::u32string normalized_;
  std::string nfkc_;
  struct word_breaker;
  std::unique_ptr<word_breaker> words_;  // only for shingle_unit::words
};

// Fixed 64-bit hash of a code point sequence (the exact-duplicate key of a normalised text).
[[nodiscard]] std::uint64_t hash_code_points(std::u32string_view s) noexcept;

// The 64-bit finaliser used throughout dedup (MurmurHash3's fmix64).
using internal::mix64;

}  // namespace broadsheet::pipeline
