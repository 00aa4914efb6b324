#pragma once
// brackets: where a bracket that opens at a given offset closes, wide "（…）" or narrow "(…)", and
// what it holds; for the recognisers of formulaic lines (datelines, photo notes, continuation and
// jump markers, author notes).

#include <cstddef>
#include <string_view>

namespace broadsheet::pipeline::internal {

// If s[i] opens a bracket, returns the offset of its matching close bracket (the first of the
// same width, at most max_inner bytes after s[i]), else npos.
[[nodiscard]] inline std::size_t bracket_end(std::string_view s, std::size_t i, std::size_t max_inner) {
  std::string_view close;
  if (s.substr(i, 3) == "（")
    close = "）";
  else if (s.substr(i, 1) == "(")
    close = ")";
  else
    return std::string_view::npos;
  const std::size_t open_len = close.size();
  std::size_t j = s.find(close, i + open_len);
  if (j == std::string_view::npos || j - i > max_inner) return std::string_view::npos;
  return j;
}

// The text between the bracket opening at open and the one closing at close.
[[nodiscard]] inline std::string_view bracket_inner(std::string_view s, std::size_t open, std::size_t close) {
  const std::size_t open_len = s[open] == '(' ? 1 : 3;
  return s.substr(open + open_len, close - open - open_len);
}

// The bytes of the close bracket at close: 1 for ")", 3 for "）".
[[nodiscard]] inline std::size_t bracket_close_len(std::string_view s, std::size_t close) {
  return s[close] == ')' ? 1 : 3;
}

}  // namespace broadsheet::pipeline::internal
