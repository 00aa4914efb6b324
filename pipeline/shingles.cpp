#include "pipeline/shingles.h"

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;

namespace {

// Base of the rolling polynomial hash over a window of n values (odd, so multiplication by it
// is a bijection mod 2^64). Fixed: part of the signature format.
constexpr std::uint64_t rolling_base = internal::fnv_prime;

std::uint64_t power(std::uint64_t base, int e) {
  std::uint64_t r = 1;
  while (e-- > 0) r *= base;
  return r;
}

// Appends one hash per window of n consecutive values (one hash of all values when there are
// fewer than n). Each window's polynomial hash goes through mix64 with n folded in, so char
// 3-grams and 5-grams never share hashes.
template <class Values>
void windows(const Values& values, int n, std::vector<std::uint64_t>& out) {
  const std::uint64_t salt = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(n);
  if (values.empty()) return;
  if (values.size() < static_cast<std::size_t>(n)) {
    std::uint64_t h = 0;
    for (auto v : values) h = h * rolling_base + (static_cast<std::uint64_t>(v) + 1);
    out.push_back(mix64(h ^ salt));
    return;
  }
  const std::uint64_t drop = power(rolling_base, n);
  std::uint64_t h = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    h = h * rolling_base + (static_cast<std::uint64_t>(values[k]) + 1);
    if (k >= static_cast<std::size_t>(n)) h -= (static_cast<std::uint64_t>(values[k - n]) + 1) * drop;
    if (k + 1 >= static_cast<std::size_t>(n)) out.push_back(mix64(h ^ salt));
  }
}

// Keeps letters, digits and CJK characters, lower-cased: appends to out.
void keep_comparable(char32_t c, std::u32string& out) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') out.push_back(c + 32);
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
    return;
  }
  const std::uint8_t cls = char_class(c);
  if (cls & cc::han) out.push_back(c);
  else if (cls & cc::latin) out.push_back(static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
  else if (cls & cc::digit) out.push_back(c);
}

}  // namespace

std::uint64_t hash_code_points(std::u32string_view s) noexcept {
  // FNV-1a over whole code points (not bytes), then mix64.
  std::uint64_t h = internal::fnv_offset;
  for (char32_t c : s) {
    h ^= c;
    h *= internal::fnv_prime;
  }
  return mix64(h);
}

struct shingler::word_breaker {
  std::unique_ptr<icu::BreakIterator> it;
  word_breaker() {
    UErrorCode status = U_ZERO_ERROR;
    it.reset(icu::BreakIterator::createWordInstance(icu::Locale::getChinese(), status));
    if (U_FAILURE(status)) it.reset();
  }
};

shingler::shingler(shingle_options options) : options_(options) {
  if (options_.n < 1) options_.n = 1;
  if (options_.n > 16) options_.n = 16;
  if (options_.unit == shingle_unit::words) words_ = std::make_unique<word_breaker>();
}

shingler::~shingler() = default;

namespace {

// Appends one code point of NFKC text: U+4000-U+9FFF as they are, the rest through
// keep_comparable.
void keep_normalized(char32_t c, std::u32string& out) {
  if (c >= 0x4000 && c <= 0x9FFF) {
    out.push_back(c);
  } else {
    keep_comparable(c, out);
  }
}

// Full-width forms of ASCII (U+FF01-FF5E) and the ideographic space: NFKC maps each to one ASCII
// code point, which composes with nothing before or after it.
bool is_width_form(char32_t c) noexcept { return (c >= 0xFF01 && c <= 0xFF5E) || c == 0x3000; }
char32_t narrow(char32_t c) noexcept { return c == 0x3000 ? U' ' : c - 0xFEE0; }

}  // namespace

// NFKC, segment by segment. ICU has a composition boundary before every code point that is NFKC
// quick-check "yes" with combining class 0 (needs_nfkc_check false), so the text splits into
// segments: such a code point and the code points after it that are not. The NFKC of the text
// is the NFKC of its segments, one after the other; a segment of one code point is its own NFKC.
// In Chinese text nearly every other segment is an ideograph followed by full-width
// punctuation, which is mapped directly; ICU normalises the rest, one segment at a time.
// (Normalising the whole text with ICU as soon as one code point needed it took 6 % of a
// deduplicating worker's CPU.)
void shingler::normalize(std::string_view text) {
  normalized_.clear();
  if (text.empty()) return;
  // Each turn handles one segment [start, end): c, decoded, then the code points that need NFKC.
  // The code point that ends it (d, stable) begins the next one, so each is decoded once.
  std::size_t start = 0, after = 0;
  char32_t c = next_code_point(text, after);
  bool c_needs = needs_nfkc_check(c);
  while (true) {
    std::size_t end = after;
    bool width_forms_only = !c_needs || is_width_form(c);
    bool segment_needs = c_needs;
    char32_t d = 0;
    std::size_t d_end = end;
    bool more = false;
    while (end < text.size()) {
      d_end = end;
      d = next_code_point(text, d_end);
      if (!needs_nfkc_check(d)) {
        more = true;
        break;
      }
      segment_needs = true;
      width_forms_only = width_forms_only && is_width_form(d);
      end = d_end;
    }
    if (!segment_needs) {
      keep_normalized(c, normalized_);
    } else if (width_forms_only) {
      for (std::size_t at = start; at < end;) {
        const char32_t w = next_code_point(text, at);
        keep_normalized(is_width_form(w) ? narrow(w) : w, normalized_);
      }
    } else {
      normalize_segment(text.substr(start, end - start));
    }
    if (!more) return;
    start = end;
    after = d_end;
    c = d;
    c_needs = false;
  }
}

void shingler::normalize_segment(std::string_view segment) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  std::string_view out = segment;
  if (U_SUCCESS(status)) {
    nfkc_.clear();
    icu::StringByteSink<std::string> sink(&nfkc_, static_cast<int32_t>(segment.size()));
    nfkc->normalizeUTF8(0, icu::StringPiece(segment.data(), static_cast<int32_t>(segment.size())), sink, nullptr,
                        status);
    if (U_SUCCESS(status)) out = nfkc_;
  }
  for (std::size_t at = 0; at < out.size();) keep_normalized(next_code_point(out, at), normalized_);
}

void shingler::shingle(std::string_view text, std::vector<std::uint64_t>& out) {
  out.clear();
  normalize(text);
  if (options_.unit == shingle_unit::chars || !words_ || !words_->it) {
    windows(normalized_, options_.n, out);
    return;
  }
  // Word n-grams: ICU's dictionary word break over the (NFKC) text; each word normalised like
  // the characters and hashed; windows over the word hashes.
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  words_->it->setText(u);
  std::vector<std::uint64_t> word_hashes;
  std::u32string word;
  std::string utf8;
  for (int32_t start = words_->it->first(), end = words_->it->next(); end != icu::BreakIterator::DONE;
       start = end, end = words_->it->next()) {
    if (words_->it->getRuleStatus() == UBRK_WORD_NONE) continue;
    word.clear();
    for (int32_t k = start; k < end;) {
      const UChar32 c = u.char32At(k);
      keep_comparable(static_cast<char32_t>(c), word);
      k += U16_LENGTH(c);
    }
    if (!word.empty()) word_hashes.push_back(hash_code_points(word));
  }
  windows(word_hashes, options_.n, out);
}

}  // namespace broadsheet::pipeline
