#include "pipeline/closing_lines.h"

#include <algorithm>

#include "pipeline/byline.h"
#include "pipeline/internal/brackets.h"
#include "pipeline/internal/byline_names.h"
#include "pipeline/internal/text.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/text_shape.h"

namespace broadsheet::pipeline {

using internal::bracket_close_len;
using internal::bracket_end;
using internal::bracket_inner;
using internal::next_code_point;
using internal::role_at;
using internal::skip_spaces;
using internal::without_compiled;

std::optional<std::string> match_author_note(std::string_view line) {
  const std::size_t close = bracket_end(line, 0, 300);
  if (close == std::string_view::npos || skip_spaces(line, close + bracket_close_len(line, close)) != line.size()) {
    return std::nullopt;
  }
  std::string_view inner = bracket_inner(line, 0, close);
  if (!inner.starts_with("作者")) return std::nullopt;
  inner.remove_prefix(6);
  for (std::string_view v : {"为", "系", "是", "："}) {
    if (inner.starts_with(v)) {
      inner.remove_prefix(v.size());
      break;
    }
  }
  return std::string(inner);
}

namespace {

// The inside of a paragraph that is one bracket from start to end ("（甲（乙）丙）" too, not
// "（甲）乙（丙）"), else nothing.
std::optional<std::string_view> whole_bracket(std::string_view t) {
  if (!opens_bracket(t) || !closes_bracket(t)) return std::nullopt;
  int depth = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c == '(' || c == 0xFF08)
      ++depth;
    else if (c == ')' || c == 0xFF09) {
      if (--depth == 0 && i != t.size()) return std::nullopt;
    }
  }
  if (depth != 0) return std::nullopt;
  const std::size_t open = t[0] == '(' ? 1 : 3;
  const std::size_t close = t.back() == ')' ? 1 : 3;
  return t.substr(open, t.size() - open - close);
}

// "本报记者甲整理", "记者 甲 乙 采访整理": a role, names and 整理 (compiled by), unbracketed.
bool is_compiler_line(std::string_view t) {
  const std::string_view names = without_compiled(t);
  return names.size() < t.size() && match_byline_line(names).has_value();
}

}  // namespace

bool is_closing_line(std::string_view t) {
  const auto inner = whole_bracket(t);
  if (!inner) return is_compiler_line(t);
  if (inner->empty() || inner->size() > 400) return false;
  if (match_author_note(t)) return true;
  const std::string_view s = *inner;
  if (s.starts_with("执笔") || s.ends_with("整理") || s.ends_with("报道")) return true;
  // The reporters who wrote it: "（本报记者甲、乙）", "（记者甲 乙）", "（本报见习记者甲）".
  if (role_at(s).size != 0) return true;
  // A dateline at the end: its issuer first, then 电 or 讯 after the places and the date.
  std::string_view rest = s;
  if (rest.starts_with("据")) rest.remove_prefix(3);
  if (!rest.starts_with("本报") && !(rest.find("社") != std::string_view::npos && rest.find("社") <= 12)) return false;
  const std::size_t dian = std::min(rest.find("电"), rest.find("讯"));
  return dian != std::string_view::npos && dian <= 150;
}

}  // namespace broadsheet::pipeline
