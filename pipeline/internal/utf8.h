#pragma once
// UTF-8 decoding and encoding for text that has already been validated (simdjson::validate_utf8).
// No checks here: the caller guarantees valid input.

#include <cstddef>
#include <string>
#include <string_view>

#include "pipeline/internal/byte_scan.h"

namespace broadsheet::pipeline::internal {

// Decodes the code point at s[i] and advances i past it.
[[nodiscard]] inline char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { ++i; return b0; }
  if (b0 < 0xE0) {
    const char32_t c = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    i += 2;
    return c;
  }
  if (b0 < 0xF0) {
    const char32_t c = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                       (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    i += 3;
    return c;
  }
  const char32_t c = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                     ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                     (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
  i += 4;
  return c;
}

// Whether s holds "，" (EF BC 8C) at i, compared by its bytes in place (string_view::compare calls
// memcmp).
[[nodiscard]] inline bool wide_comma_at(std::string_view s, std::size_t i) noexcept {
  if (i + 3 > s.size()) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data() + i);
  return b[0] == 0xEF && b[1] == 0xBC && b[2] == 0x8C;
}

// Whether s holds "，" or "。" (E3 80 82) at i: the commonest characters after the ideographs of
// Chinese text, which hot loops tell by their bytes instead of decoding them.
[[nodiscard]] inline bool comma_or_full_stop_at(std::string_view s, std::size_t i) noexcept {
  if (wide_comma_at(s, i)) return true;
  if (i + 3 > s.size()) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data() + i);
  return b[0] == 0xE3 && b[1] == 0x80 && b[2] == 0x82;
}

// Decodes the code point that ends just before s[end] (end > 0).
[[nodiscard]] inline char32_t previous_code_point(std::string_view s, std::size_t end) noexcept {
  std::size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return next_code_point(s, start);
}

inline void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The bytes that are not continuation bytes, counted sixteen at a time.
[[nodiscard]] inline std::size_t count_code_points(std::string_view s) noexcept {
  return s.size() - count_continuation_bytes(s);
}

}  // namespace broadsheet::pipeline::internal
