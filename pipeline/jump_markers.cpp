#include "pipeline/jump_markers.h"

#include "pipeline/internal/brackets.h"
#include "pipeline/internal/text.h"

namespace broadsheet::pipeline {

using internal::bracket_close_len;
using internal::bracket_end;
using internal::bracket_inner;
using internal::skip_spaces;

std::optional<continuation_match> match_continuation(std::string_view p) {
  const std::size_t close = bracket_end(p, 0, 60);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view inner = bracket_inner(p, 0, close);
  for (std::string_view kw : {"上接", "接上", "上转", "续"}) {
    if (inner.starts_with(kw)) {
      inner.remove_prefix(kw.size());
      while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
      return continuation_match{std::string(inner), skip_spaces(p, close + bracket_close_len(p, close))};
    }
  }
  return std::nullopt;
}

std::size_t find_jump_marker(std::string_view p) {
  std::string_view t = p;
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.empty() || !(t.back() == ')' || (t.size() >= 3 && t.substr(t.size() - 3) == "）"))) {
    return std::string_view::npos;
  }
  const std::size_t wide = t.rfind("（"), narrow = t.rfind('(');
  std::size_t open = wide;
  if (narrow != std::string_view::npos && (open == std::string_view::npos || narrow > open)) open = narrow;
  if (open == std::string_view::npos) return std::string_view::npos;
  const std::size_t close = bracket_end(t, open, 60);
  if (close == std::string_view::npos) return std::string_view::npos;
  const std::string_view inner = bracket_inner(t, open, close);
  if (inner.starts_with("下转") || inner.starts_with("转下") || inner.starts_with("转第")) {
    std::size_t end = open;
    while (end > 0 && p[end - 1] == ' ') --end;
    return end;
  }
  return std::string_view::npos;
}

}  // namespace broadsheet::pipeline
