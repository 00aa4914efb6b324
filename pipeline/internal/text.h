#pragma once
// Small string_view helpers the standard library lacks in C++20.

#include <string_view>

namespace broadsheet::pipeline::internal {

[[nodiscard]] inline bool contains(std::string_view s, std::string_view p) noexcept {
  return s.find(p) != std::string_view::npos;
}

}  // namespace broadsheet::pipeline::internal
