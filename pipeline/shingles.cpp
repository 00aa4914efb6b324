#include "pipeline/shingles.h"

#include <algorithm>
#include <array>

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
// fewer than n), and gives each value to each(), in order. Each window's polynomial hash goes
// through mix64 with n folded in, so char 3-grams and 5-grams never share hashes.
template <class Values, class Each>
void windows(const Values& values, int n, std::vector<std::uint64_t>& out, Each each) {
  const std::uint64_t salt = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(n);
  if (values.empty()) return;
  const auto width = static_cast<std::size_t>(n);
  std::uint64_t h = 0;
  for (std::size_t k = 0; k < std::min(width, values.size()); ++k) {
    each(values[k]);
    h = h * rolling_base + (static_cast<std::uint64_t>(values[k]) + 1);
  }
  if (values.size() < width) {
    out.push_back(mix64(h ^ salt));
    return;
  }
  // The windows after the first: one value in, one out, without a test of k per value. Room is
  // made once and written through a pointer, without push_back's test per hash (with both
  // tests: dedup/signature/128 390 MiB/s instead of 400).
  const std::uint64_t drop = power(rolling_base, n);
  const std::size_t first = out.size();
  out.resize(first + values.size() - width + 1);
  std::uint64_t* hashes = out.data() + first;
  *hashes++ = mix64(h ^ salt);
  for (std::size_t k = width; k < values.size(); ++k) {
    each(values[k]);
    h = h * rolling_base + (static_cast<std::uint64_t>(values[k]) + 1) -
        (static_cast<std::uint64_t>(values[k - width]) + 1) * drop;
    *hashes++ = mix64(h ^ salt);
  }
}

// hash_code_points one code point at a time: FNV-1a over whole code points (not bytes), then
// mix64.
class code_point_hash {
 public:
  void add(char32_t c) noexcept { h_ = (h_ ^ c) * internal::fnv_prime; }
  [[nodiscard]] std::uint64_t value() const noexcept { return mix64(h_); }

 private:
  std::uint64_t h_ = internal::fnv_offset;
};

// What ASCII keep_comparable keeps: letters lower-cased, digits; 0 for the rest.
constexpr auto ascii_kept = [] {
  std::array<char, 0x80> kept{};
  for (int c = '0'; c <= '9'; ++c) kept[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) kept[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) kept[c] = static_cast<char>(c + 32);
  return kept;
}();

// Keeps letters, digits and CJK characters, lower-cased: the code point kept, or 0 for none (NUL
// is never kept).
char32_t keep_comparable(char32_t c) {
  if (c < 0x80) return static_cast<char32_t>(ascii_kept[c]);
  const std::uint8_t cls = char_class(c);
  if (cls & cc::han) return c;
  if (cls & cc::latin) return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
  if (cls & cc::digit) return c;
  return 0;
}

}  // namespace

std::uint64_t hash_code_points(std::u32string_view s) noexcept {
  code_point_hash h;
  for (char32_t c : s) h.add(c);
  return h.value();
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

// What the dedup normalisation keeps of one code point of NFKC text: U+4000-U+9FFF as they are,
// the rest through keep_comparable; 0 for nothing.
char32_t keep_normalized(char32_t c) { return c >= 0x4000 && c <= 0x9FFF ? c : keep_comparable(c); }

// Full-width forms of ASCII (U+FF01-FF5E) and the ideographic space: NFKC maps each to one ASCII
// code point, which composes with nothing before or after it.
bool is_width_form(char32_t c) noexcept { return (c >= 0xFF01 && c <= 0xFF5E) || c == 0x3000; }
char32_t narrow(char32_t c) noexcept { return c == 0x3000 ? U' ' : c - 0xFEE0; }

// True when text[at] begins a three-byte character of U+4000-U+9FFF (lead E4-E9), all of it
// inside text: a character that needs no NFKC and is kept as it is.
bool ideograph_at(std::string_view text, std::size_t at) noexcept {
  return at + 3 <= text.size() && static_cast<unsigned char>(text[at]) - 0xE4u <= 0xE9u - 0xE4u;
}

// The code point of the three bytes at p, whose lead is E4-E9: next_code_point's three-byte case
// without its tests.
char32_t ideograph(const char* p) noexcept {
  return ((static_cast<unsigned char>(p[0]) & 0x0Fu) << 12) | ((static_cast<unsigned char>(p[1]) & 0x3Fu) << 6) |
         (static_cast<unsigned char>(p[2]) & 0x3Fu);
}

}  // namespace

void shingler::make_room(std::size_t more) {
  if (size_ + more <= capacity_) return;
  capacity_ = std::max(size_ + more, 2 * capacity_);
  auto bigger = std::make_unique_for_overwrite<char32_t[]>(capacity_);
  std::copy_n(normalized_.get(), size_, bigger.get());
  normalized_ = std::move(bigger);
}

// NFKC, segment by segment. ICU has a composition boundary before every code point that is NFKC
// quick-check "yes" with combining class 0 (needs_nfkc_check false), so the text splits into
// segments: such a code point and the code points after it that are not. The NFKC of the text
// is the NFKC of its segments, one after the other; a segment of one code point is its own NFKC.
// In Chinese text nearly every other segment is an ideograph followed by full-width
// punctuation, which is mapped directly; ICU normalises the rest, one segment at a time.
// (Normalising the whole text with ICU as soon as one code point needed it took 6 % of a
// deduplicating worker's CPU.)
//
// Each code point keeps at most one, so room for one per byte of text is made once; put() then
// writes without a test (a code point kept nothing leaves its slot to the next), and only ICU's
// output, which may be longer than its input (ﷺ), makes more.
void shingler::normalize(std::string_view text) { normalize<true>(text); }

std::u32string_view shingler::normalize_one_at_a_time(std::string_view text) {
  normalize<false>(text);
  return normalized();
}

template <bool fast_path>
void shingler::normalize(std::string_view text) {
  size_ = 0;
  if (text.empty()) return;
  make_room(text.size());
  // Each turn handles one segment [start, end): c, decoded, then the code points that need NFKC.
  // The code point that ends it (d, stable) begins the next one, so each is decoded once.
  std::size_t start = 0, after = 0;
  char32_t c = next_code_point(text, after);
  bool c_needs = needs_nfkc_check(c);
  while (true) {
    if constexpr (fast_path) {
      // The fast path: from the stable c on, every code point that is stable or a width form is
      // put as the general path would put it when its segment turns out to hold nothing else,
      // with runs of ideographs decoded without a test per character. A code point that needs
      // ICU (or may run past the end of text) takes its segment back: the output is cut back to
      // where the segment began, and the turn goes on from its first code point, as c.
      if (!c_needs) {
        char32_t* const out = normalized_.get();
        std::size_t n = size_, at = after;
        std::size_t segment = start, segment_n = n;  // the segment being put: its start, in text and out
        out[n] = keep_normalized(c);
        n += out[n] != 0;
        while (true) {
          if (ideograph_at(text, at)) {
            do {
              out[n++] = ideograph(text.data() + at);
              at += 3;
            } while (ideograph_at(text, at));
            segment = at - 3;
            segment_n = n - 1;
            continue;
          }
          if (at == text.size()) {
            size_ = n;
            return;
          }
          const auto lead = static_cast<unsigned char>(text[at]);
          if (lead < 0x80) {
            segment = at;
            segment_n = n;
            out[n] = static_cast<char32_t>(ascii_kept[lead]);
            n += out[n] != 0;
            ++at;
            continue;
          }
          if (at + 4 > text.size()) break;
          std::size_t next = at;
          const char32_t d = next_code_point(text, next);
          if (!needs_nfkc_check(d)) {
            segment = at;
            segment_n = n;
            out[n] = keep_normalized(d);
          } else if (is_width_form(d)) {
            out[n] = keep_normalized(narrow(d));
          } else {
            break;
          }
          n += out[n] != 0;
          at = next;
        }
        size_ = segment_n;
        start = after = segment;
        c = next_code_point(text, after);
      }
    }
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
      put(keep_normalized(c));
    } else if (width_forms_only) {
      for (std::size_t at = start; at < end;) {
        const char32_t w = next_code_point(text, at);
        put(keep_normalized(is_width_form(w) ? narrow(w) : w));
      }
    } else {
      normalize_segment(text.substr(start, end - start), text.size() - end);
    }
    if (!more) return;
    start = end;
    after = d_end;
    c = d;
    c_needs = false;
  }
}

void shingler::normalize_segment(std::string_view segment, std::size_t bytes_after) {
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
  make_room(out.size() + bytes_after);
  for (std::size_t at = 0; at < out.size();) put(keep_normalized(next_code_point(out, at)));
}

void shingler::shingle(std::string_view text, std::vector<std::uint64_t>& out) {
  out.clear();
  normalize(text);
  if (options_.unit == shingle_unit::chars || !words_ || !words_->it) {
    // The normalised text's hash in the same loop as the windows: its chain of multiplications
    // and the rolling hash's run side by side (hash_code_points after the windows:
    // dedup/signature/128 400 MiB/s instead of 473).
    code_point_hash h;
    windows(normalized(), options_.n, out, [&h](char32_t c) { h.add(c); });
    normalized_hash_ = h.value();
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
      if (const char32_t kept = keep_comparable(static_cast<char32_t>(c)); kept != 0) word.push_back(kept);
      k += U16_LENGTH(c);
    }
    if (!word.empty()) word_hashes.push_back(hash_code_points(word));
  }
  windows(word_hashes, options_.n, out, [](std::uint64_t) {});
  normalized_hash_ = hash_code_points(normalized());
}

}  // namespace broadsheet::pipeline
