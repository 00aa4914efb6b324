#include "pipeline/byline.h"

#include <algorithm>
#include <cstdint>

#include "pipeline/char_class.h"
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
using internal::parse_names;
using internal::role;
using internal::role_at;
using internal::skip_spaces;
using internal::without_compiled;

void byline::merge(const byline& other) {
  auto add = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& n : from) {
      if (std::find(to.begin(), to.end(), n) == to.end()) to.push_back(n);
    }
  };
  add(reporters, other.reporters);
  add(correspondents, other.correspondents);
  add(photographers, other.photographers);
  add(authors, other.authors);
}

// The bytes of an outlet's name before a role keyword at the start of a byline line ("甲乙网记者
// 丙", "甲乙社记者 丙"): two to six Han characters, the last 社, 网 or 台; 0 when there is none.
// Every line is asked: a character of U+4000-U+9FFF (lead byte E4-E9, nearly all of a Chinese
// line) is read from its three bytes, undecoded; it is Han but for the hexagram symbols
// U+4DC0-U+4DFF (E4 B7 80-BF).
std::size_t outlet_before_keyword(std::string_view line) {
  constexpr std::uint32_t she = 0xE7A4BE, wang = 0xE7BD91, tai = 0xE58FB0;  // 社 网 台
  const auto* b = reinterpret_cast<const unsigned char*>(line.data());
  std::size_t i = 0;
  for (int chars = 1; chars <= 6 && i < line.size(); ++chars) {
    bool name_end = false;
    if (b[i] - 0xE4u <= 0xE9u - 0xE4u) {
      const std::uint32_t bytes = std::uint32_t{b[i]} << 16 | std::uint32_t{b[i + 1]} << 8 | b[i + 2];
      if ((bytes & ~0x3Fu) == 0xE4B780u) return 0;
      name_end = bytes == she || bytes == wang || bytes == tai;
      i += 3;
    } else {
      const char32_t c = next_code_point(line, i);
      if (!is_han(c)) return 0;
      name_end = c == U'社' || c == U'网' || c == U'台';
    }
    if (chars >= 3 && name_end && role_at(line.substr(i)).size != 0) return i;
  }
  return 0;
}

std::optional<byline> match_byline_line(std::string_view line) {
  // "本报记者甲整理": the names of who compiled the text, under its headline or at its end.
  line = without_compiled(line);
  if (line.size() > 90 || line.size() < 4) return std::nullopt;
  // A line that stops at a comma goes on in the next one: a sentence or a closing note, cut.
  if (line.ends_with("，") || line.ends_with(",") || line.ends_with("、")) return std::nullopt;
  line.remove_prefix(outlet_before_keyword(line));
  // Cheap gate: a byline line starts with a role or an author mark.
  std::size_t i = 0;
  const char32_t first = next_code_point(line, i);
  if (first != U'□' && first != U'◎' && first != U'○' && role_at(line).size == 0) return std::nullopt;
  for (std::string_view mark : {"□", "◎", "○"}) {
    if (line.starts_with(mark)) {
      byline b;
      if (parse_names(line.substr(mark.size()), role::author, {}, b)) return b;
      return std::nullopt;
    }
  }
  byline b;
  if (parse_names(line, role::reporter, {.require_keyword = true, .glued_pairs = true}, b)) return b;
  return std::nullopt;
}

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
