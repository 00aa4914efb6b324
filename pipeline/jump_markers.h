#pragma once
// jump_markers: where a story jumps between pages. The marker at the start of its continued part
// ("（上接A01版①）") and the one at the end of the part that jumps ("（下转A03版）"). Takes a
// normalised paragraph (page_cleaner output, layout spaces still in place).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace broadsheet::pipeline {

// "（上接A01版①）…" at the start of a paragraph: "A01版①" and the offset after the marker.
struct continuation_match {
  std::string from;
  std::size_t body_offset = 0;
};
[[nodiscard]] std::optional<continuation_match> match_continuation(std::string_view paragraph);

// "…（下转A03版）" at the end of a paragraph: the length of the text without it, else npos.
[[nodiscard]] std::size_t find_jump_marker(std::string_view paragraph);

}  // namespace broadsheet::pipeline
