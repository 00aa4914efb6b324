#pragma once
// Searches over the bytes of UTF-8 text for the hot loops of cleaning, reflow, tidy and JSON
// escaping: sixteen bytes per step where SSE2 is there (every x86-64), the last step overlapping
// the one before; one byte per step elsewhere and for texts under sixteen bytes. Page text is mostly CJK, whose bytes
// (0x80 and above) these searches pass over in bulk. tests/pipeline/byte_scan_test.cpp checks each against its
// one-byte-per-step loop for every byte value at every offset.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace broadsheet::pipeline::internal {

namespace detail {

#if defined(__SSE2__)
// 0xFF in the lanes of x whose byte lies in [lo, hi]: x - lo <= hi - lo, unsigned.
inline __m128i in_range(__m128i x, unsigned char lo, unsigned char hi) noexcept {
  const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8(static_cast<char>(lo)));
  return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(static_cast<char>(hi - lo))), d);
}

// 0xFF in the lanes of x that hold a UTF-8 continuation byte (0x80-0xBF): below -64 as a signed
// byte, one comparison where in_range takes three.
inline __m128i continuation_lanes(__m128i x) noexcept { return _mm_cmplt_epi8(x, _mm_set1_epi8(-64)); }
#endif

// The first position at or after i whose byte satisfies is_hit, or s.size(); hit_lanes is the
// same test on sixteen bytes at once.
// A text of sixteen bytes or more ends with one step over its last sixteen, the lanes before i
// left out: lines and fields are short, and a byte-by-byte tail was most of their cost.
template <class HitLanes, class IsHit>
std::size_t find_byte(std::string_view s, std::size_t i, [[maybe_unused]] HitLanes hit_lanes, IsHit is_hit) noexcept {
#if defined(__SSE2__)
  const auto hits_at = [&](std::size_t at) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
    return static_cast<unsigned>(_mm_movemask_epi8(hit_lanes(x)));
  };
  for (; i + 16 <= s.size(); i += 16) {
    if (const auto bits = hits_at(i); bits != 0) return i + static_cast<std::size_t>(std::countr_zero(bits));
  }
  if (i < s.size() && s.size() >= 16) {
    const std::size_t last = s.size() - 16;  // i - last < 16: the lanes from i on
    const auto bits = hits_at(last) >> (i - last);
    return bits != 0 ? i + static_cast<std::size_t>(std::countr_zero(bits)) : s.size();
  }
#endif
  for (; i < s.size(); ++i) {
    if (is_hit(static_cast<unsigned char>(s[i]))) return i;
  }
  return s.size();
}

// The last position before end whose byte satisfies is_hit, or std::string_view::npos;
// hit_lanes is the same test on sixteen bytes at once. Steps back sixteen bytes at a time, then
// one at a time over the first few.
template <class HitLanes, class IsHit>
std::size_t rfind_byte(std::string_view s, std::size_t end, [[maybe_unused]] HitLanes hit_lanes,
                       IsHit is_hit) noexcept {
#if defined(__SSE2__)
  for (; end >= 16; end -= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + end - 16));
    const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit_lanes(x)));
    if (bits != 0) return end - 16 + static_cast<std::size_t>(std::bit_width(bits)) - 1;
  }
#endif
  while (end-- > 0) {
    if (is_hit(static_cast<unsigned char>(s[end]))) return end;
  }
  return std::string_view::npos;
}

#if defined(__SSE2__)
// The sum of the sixteen byte lanes of x.
inline std::size_t lane_sum(__m128i x) noexcept {
  const __m128i sums = _mm_sad_epu8(x, _mm_setzero_si128());
  return static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) + static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
}

// The lanes of a text's last sixteen bytes that lie at or after byte `from` (size - 16 < from <
// size): 0xFF there, 0 in the lanes an earlier sixteen-byte step read.
inline __m128i lanes_from(std::size_t size, std::size_t from) noexcept {
  alignas(16) static constexpr unsigned char mask[32] = {
      0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(mask + (size - from)));
}

// How many lanes of x are 0xFF, of those that mask keeps.
inline std::size_t lanes_set(__m128i x, __m128i mask) noexcept {
  return lane_sum(_mm_sub_epi8(_mm_setzero_si128(), _mm_and_si128(x, mask)));
}
#endif

// How many bytes of s satisfy is_counted; counted_lanes is the same test on sixteen bytes.
template <class CountedLanes, class IsCounted>
std::size_t count_bytes(std::string_view s, [[maybe_unused]] CountedLanes counted_lanes,
                        IsCounted is_counted) noexcept {
  std::size_t n = 0, i = 0;
#if defined(__SSE2__)
  // Per-lane counts in bytes (a lane of 0xFF is -1, so subtracting it adds one), summed with
  // psadbw before any lane can pass 255. No popcount: without -mpopcnt it is a library call.
  constexpr std::size_t max_steps = 255;
  while (i + 16 <= s.size()) {
    __m128i lanes = _mm_setzero_si128();
    for (std::size_t steps = 0; steps < max_steps && i + 16 <= s.size(); ++steps, i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      lanes = _mm_sub_epi8(lanes, counted_lanes(x));
    }
    n += lane_sum(lanes);
  }
  if (i < s.size() && s.size() >= 16) {
    // The last sixteen bytes, the lanes before i masked out (as find_byte's last step).
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + s.size() - 16));
    return n + lanes_set(counted_lanes(x), lanes_from(s.size(), i));
  }
#endif
  for (; i < s.size(); ++i) n += is_counted(static_cast<unsigned char>(s[i]));
  return n;
}

}  // namespace detail

namespace detail {

// Whether a byte is one of Bytes, asked of one byte or of sixteen lanes at once.
template <unsigned char... Bytes>
struct one_of {
  bool operator()(unsigned char b) const noexcept { return ((b == Bytes) || ...); }
#if defined(__SSE2__)
  __m128i operator()(__m128i x) const noexcept {
    return (_mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(Bytes))) | ...);
  }
#endif
};

}  // namespace detail

// The first position at or after i whose byte is one of Bytes, or s.size().
template <unsigned char... Bytes>
[[nodiscard]] std::size_t find_any_of(std::string_view s, std::size_t i) noexcept {
  return detail::find_byte(s, i, detail::one_of<Bytes...>{}, detail::one_of<Bytes...>{});
}

// The last position before end whose byte is one of Bytes, or std::string_view::npos.
template <unsigned char... Bytes>
[[nodiscard]] std::size_t rfind_any_of(std::string_view s, std::size_t end) noexcept {
  return detail::rfind_byte(s, end, detail::one_of<Bytes...>{}, detail::one_of<Bytes...>{});
}

// True for a byte that JSON must escape in a string: a control character, '"' or '\\'.
[[nodiscard]] constexpr bool needs_json_escape(unsigned char b) noexcept { return b < 0x20 || b == '"' || b == '\\'; }

// The first position at or after i whose byte needs_json_escape, or s.size().
[[nodiscard]] inline std::size_t next_json_escape(std::string_view s, std::size_t i) noexcept {
  return detail::find_byte(
      s, i,
#if defined(__SSE2__)
      [](__m128i x) {
        return detail::in_range(x, 0x00, 0x1F) | _mm_cmpeq_epi8(x, _mm_set1_epi8('"')) |
               _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
      },
#else
      nullptr,
#endif
      needs_json_escape);
}

// True for a byte that ends a run of text the cleaner copies unchanged: anything but printable
// ASCII (0x21-0x7E), a continuation byte (0x80-0xBF) or a lead byte E4-E9 (U+4000-U+9FFF,
// mostly CJK ideographs).
[[nodiscard]] constexpr bool ends_plain_run(unsigned char b) noexcept {
  return !((b >= 0x21 && b <= 0x7E) || (b >= 0x80 && b <= 0xBF) || (b >= 0xE4 && b <= 0xE9));
}

// The first position at or after i whose byte ends_plain_run, or s.size(). In valid UTF-8 from
// a character boundary, continuation bytes never end the run, so the position returned is a
// character boundary and every character before it starts with printable ASCII or E4-E9.
[[nodiscard]] inline std::size_t plain_run_end(std::string_view s, std::size_t i) noexcept {
  return detail::find_byte(
      s, i,
#if defined(__SSE2__)
      [](__m128i x) {
        const __m128i plain =
            detail::in_range(x, 0x21, 0x7E) | detail::continuation_lanes(x) | detail::in_range(x, 0xE4, 0xE9);
        return _mm_xor_si128(plain, _mm_set1_epi8(-1));
      },
#else
      nullptr,
#endif
      ends_plain_run);
}

// True for the lead byte of a character outside ASCII and outside U+4000-U+9FFF (lead E4-E9).
[[nodiscard]] constexpr bool is_other_lead(unsigned char b) noexcept { return b >= 0xC0 && !(b >= 0xE4 && b <= 0xE9); }

// The first position at or after i whose byte is_other_lead or is one of the ASCII Bytes, or
// s.size(): in text mostly of ideographs, the characters a search for spaces or punctuation has
// to decode.
template <unsigned char... Bytes>
[[nodiscard]] std::size_t next_other_lead_or_any_of(std::string_view s, std::size_t i) noexcept {
  static_assert(((Bytes < 0x80) && ...), "ASCII bytes only: other bytes are leads or inside a character");
  return detail::find_byte(
      s, i,
#if defined(__SSE2__)
      [](__m128i x) {
        const __m128i other_lead = _mm_andnot_si128(detail::in_range(x, 0xE4, 0xE9), detail::in_range(x, 0xC0, 0xFF));
        return _mm_or_si128(other_lead, detail::one_of<Bytes...>{}(x));
      },
#else
      nullptr,
#endif
      [](unsigned char b) { return is_other_lead(b) || detail::one_of<Bytes...>{}(b); });
}

// True for a byte that starts a code point other than ' ' (not a continuation byte, not a space).
[[nodiscard]] constexpr bool starts_visible(unsigned char b) noexcept { return (b & 0xC0) != 0x80 && b != ' '; }

// The code points of valid UTF-8 text, spaces excluded: the bytes that starts_visible.
[[nodiscard]] inline std::size_t count_visible(std::string_view s) noexcept {
  return detail::count_bytes(
      s,
#if defined(__SSE2__)
      [](__m128i x) {
        const __m128i invisible = detail::continuation_lanes(x) | _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
        return _mm_xor_si128(invisible, _mm_set1_epi8(-1));
      },
#else
      nullptr,
#endif
      starts_visible);
}

// True for a UTF-8 continuation byte (10xxxxxx): every other byte starts a code point.
[[nodiscard]] constexpr bool is_continuation(unsigned char b) noexcept { return (b & 0xC0) == 0x80; }

// The continuation bytes of s: the code points of valid UTF-8 are s.size() minus these.
[[nodiscard]] inline std::size_t count_continuation_bytes(std::string_view s) noexcept {
  return detail::count_bytes(
      s,
#if defined(__SSE2__)
      [](__m128i x) { return detail::continuation_lanes(x); },
#else
      nullptr,
#endif
      is_continuation);
}

// The bytes of s in [Lo, Hi].
template <unsigned char Lo, unsigned char Hi>
[[nodiscard]] std::size_t count_in_range(std::string_view s) noexcept {
  return detail::count_bytes(
      s,
#if defined(__SSE2__)
      [](__m128i x) { return detail::in_range(x, Lo, Hi); },
#else
      nullptr,
#endif
      [](unsigned char b) { return b >= Lo && b <= Hi; });
}

// A line's widths in one pass, as reflow reads every line: its visible characters
// (count_visible), its characters whose lead byte is E4-E9 (count_in_range<0xE4, 0xE9>), and
// the offset of each other lead byte (is_other_lead) handed to other(i), in order. Each
// sixteen bytes are read once, their other lead bytes taken from one mask.
struct line_bytes {
  std::size_t visible = 0, wide_leads = 0;
};

template <class Other>
[[nodiscard]] line_bytes scan_line(std::string_view s, Other other) {
  line_bytes n;
  std::size_t i = 0;
#if defined(__SSE2__)
  // The lanes of x that are visible and wide (each 0xFF), and the mask of its other lead bytes.
  const auto read = [](__m128i x, __m128i& visible, __m128i& wide) {
    const __m128i invisible = detail::continuation_lanes(x) | _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
    visible = _mm_xor_si128(invisible, _mm_set1_epi8(-1));
    wide = detail::in_range(x, 0xE4, 0xE9);
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_andnot_si128(wide, detail::in_range(x, 0xC0, 0xFF))));
  };
  constexpr std::size_t max_steps = 255;  // as count_bytes: lanes count in bytes
  while (i + 16 <= s.size()) {
    __m128i visible_lanes = _mm_setzero_si128(), wide_lanes = _mm_setzero_si128();
    for (std::size_t steps = 0; steps < max_steps && i + 16 <= s.size(); ++steps, i += 16) {
      __m128i visible, wide;
      for (unsigned bits = read(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)), visible, wide);
           bits != 0; bits &= bits - 1) {
        other(i + static_cast<std::size_t>(std::countr_zero(bits)));
      }
      visible_lanes = _mm_sub_epi8(visible_lanes, visible);
      wide_lanes = _mm_sub_epi8(wide_lanes, wide);
    }
    n.visible += detail::lane_sum(visible_lanes);
    n.wide_leads += detail::lane_sum(wide_lanes);
  }
  if (i < s.size() && s.size() >= 16) {
    // The last sixteen bytes, the lanes before i left out.
    const std::size_t last = s.size() - 16, skip = i - last;
    __m128i visible, wide;
    unsigned bits = read(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + last)), visible, wide) >> skip;
    const __m128i unread = detail::lanes_from(s.size(), i);
    n.visible += detail::lanes_set(visible, unread);
    n.wide_leads += detail::lanes_set(wide, unread);
    for (; bits != 0; bits &= bits - 1) other(i + static_cast<std::size_t>(std::countr_zero(bits)));
    return n;
  }
#endif
  for (; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    n.visible += starts_visible(b) ? 1 : 0;
    n.wide_leads += b >= 0xE4 && b <= 0xE9 ? 1 : 0;
    if (is_other_lead(b)) other(i);
  }
  return n;
}

// The first position at or after i whose byte is one of Bytes, or s.size(), for bytes that are
// rare in the text (ASCII punctuation in Chinese prose): a step first asks whether any lane lies
// between the smallest and the largest of Bytes, three operations, and only a step where one
// does pays for the comparison with each byte. find_any_of pays for all of them on every step.
template <unsigned char... Bytes>
[[nodiscard]] std::size_t find_rare_any_of(std::string_view s, std::size_t i) noexcept {
  return detail::find_byte(
      s, i,
#if defined(__SSE2__)
      [](__m128i x) {
        constexpr unsigned char lo = [] { unsigned char m = 0xFF; ((m = Bytes < m ? Bytes : m), ...); return m; }();
        constexpr unsigned char hi = [] { unsigned char m = 0; ((m = Bytes > m ? Bytes : m), ...); return m; }();
        const __m128i near = detail::in_range(x, lo, hi);
        if (_mm_movemask_epi8(near) == 0) return near;
        return detail::one_of<Bytes...>{}(x);
      },
#else
      nullptr,
#endif
      detail::one_of<Bytes...>{});
}

// Whether one of the three-byte sequences Seqs (each written 0xAABBCC, its first byte highest)
// starts at a position p of s with from <= p < to and p + 3 <= s.size(); to - from is at most
// sixteen. Where the three loads of sixteen bytes from `from` lie within s, one step compares all
// of those positions at once; elsewhere byte by byte. For a gate that nearly every text fails,
// such as "社, 网 or 台 among a byline line's third to sixth characters".
template <std::uint32_t... Seqs>
[[nodiscard]] bool holds_three_bytes_between(std::string_view s, std::size_t from, std::size_t to) noexcept {
  static_assert(((Seqs <= 0xFFFFFFu) && ...), "three bytes each");
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
#if defined(__SSE2__)
  if (from + 18 <= s.size()) {
    const auto load = [&](std::size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + at)); };
    const __m128i x0 = load(from), x1 = load(from + 1), x2 = load(from + 2);
    const auto lanes = [&](std::uint32_t seq) {
      const auto byte = [&](int shift) { return _mm_set1_epi8(static_cast<char>((seq >> shift) & 0xFFu)); };
      return _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(x0, byte(16)), _mm_cmpeq_epi8(x1, byte(8))),
                           _mm_cmpeq_epi8(x2, byte(0)));
    };
    const auto bits = static_cast<unsigned>(_mm_movemask_epi8((lanes(Seqs) | ...)));
    return (bits & ((1u << (to - from)) - 1u)) != 0;  // p + 3 <= from + 18 <= s.size()
  }
#endif
  for (std::size_t p = from; p < to && p + 3 <= s.size(); ++p) {
    const std::uint32_t bytes = std::uint32_t{b[p]} << 16 | std::uint32_t{b[p + 1]} << 8 | b[p + 2];
    if (((bytes == Seqs) || ...)) return true;
  }
  return false;
}

}  // namespace broadsheet::pipeline::internal
