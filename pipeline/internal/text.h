#pragma once
// Small string_view helpers the standard library lacks in C++20.

#include <cstddef>
#include <string_view>

namespace broadsheet::pipeline::internal {

[[nodiscard]] inline bool contains(std::string_view s, std::string_view p) noexcept {
  return s.find(p) != std::string_view::npos;
}

// The offset of the first byte at or after i that is not a space.
[[nodiscard]] inline std::size_t skip_spaces(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

}  // namespace broadsheet::pipeline::internal
