#include "pipeline/line_furniture.h"

#include <cstddef>

#include "pipeline/char_class.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/text.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/photo_credits.h"

namespace broadsheet::pipeline {

using internal::contains;
using internal::next_code_point;

namespace {

// "2024年10月1日 星期二" (or with the weekday first).
bool is_page_date(std::string_view line) {
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max) {
    std::size_t n = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') {
      ++i;
      ++n;
    }
    return n >= min && n <= max;
  };
  auto word = [&](std::string_view w) {
    if (line.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  };
  auto spaces = [&] {
    while (i < line.size() && line[i] == ' ') ++i;
  };
  auto weekday = [&] {
    if (!word("星期") && !word("周")) return false;
    for (std::string_view d : {"一", "二", "三", "四", "五", "六", "日", "天"}) {
      if (word(d)) return true;
    }
    return false;
  };
  const bool weekday_first = weekday();
  spaces();
  if (!(digits(4, 4) && word("年") && digits(1, 2) && word("月") && digits(1, 2) && word("日"))) return false;
  spaces();
  // A bare date is content (a notice's sign-off); the page's date line carries the weekday.
  if (i == line.size()) return weekday_first;
  if (weekday_first || !weekday()) return false;
  spaces();
  // An optional lunar date or page label after the weekday is still furniture when short.
  return line.size() - i <= 24 && !contains(line.substr(i), "，") && !contains(line.substr(i), "。");
}

// Punctuation drawn as an ornament, not read as text: the asterisk (narrow or wide), the middle
// dot, bullets (• ‣ ⁃), the reference mark ※ and the asterisms and dot figures of U+2042-U+205E
// (⁂ ⁎ ⁑ ⁕ ⁘ …) but for the brackets and signs among them.
constexpr bool is_ornament_punctuation(char32_t c) noexcept {
  if (c == '*' || c == 0xFF0A || c == 0x00B7 || c == 0x2022 || c == 0x2023 || c == 0x2043 || c == 0x203B) return true;
  if (c < 0x2042 || c > 0x205E) return false;
  return !(c == 0x2044 || c == 0x2045 || c == 0x2046 || c == 0x2052 || c == 0x2053 || c == 0x205A);
}

// Symbols only (stars, triangles, circles, diamonds) or ornament punctuation, at least one: a
// story's end mark, whichever ornament the page draws it with. Dashes, ellipses and other
// punctuation are text.
bool is_end_mark(std::string_view line) {
  bool any = false;
  std::size_t i = 0;
  while (i < line.size()) {
    const char32_t c = next_code_point(line, i);
    if (c == ' ') continue;
    if (char_class(c) != 0 || c == 0x2014 || c == 0x2026 || c == '-' || c == '~' || c == 0xFF5E) {
      // a letter, digit, ideograph, punctuation mark or a dash: not an end mark
      if (!is_ornament_punctuation(c)) return false;
    }
    any = true;
  }
  return any;
}

// Two colons or more, ':' or '：' (EF BC 9A), and no "，" (EF BC 8C) or "。" (E3 80 82): the
// marks found sixteen bytes at a time in one pass. A sentence's "，" or "。" ends the search,
// within a line's first characters on nearly every line.
bool has_two_colons_and_no_sentence_mark(std::string_view line) noexcept {
  int colons = 0;
  for (std::size_t i = internal::find_any_of<':', 0xEF, 0xE3>(line, 0); i < line.size();
       i = internal::find_any_of<':', 0xEF, 0xE3>(line, i + 1)) {
    if (line[i] == ':') {
      ++colons;
      continue;
    }
    const std::string_view rest = line.substr(i);
    if (rest.starts_with("，") || rest.starts_with("。")) return false;
    if (rest.starts_with("：")) ++colons;
  }
  return colons >= 2;
}

// Entries "field:name" or "field：name" between separators ("|", "｜", "■", "□"), two or more,
// with no sentence punctuation: the editor and hotline line of a page. Recognised by that shape,
// whatever the fields are called. Each entry has its colon: a line with fewer than two, or with a
// sentence mark (nearly every line), is passed over before any character is decoded.
bool is_editor_line(std::string_view line) {
  if (line.size() > 400 || !has_two_colons_and_no_sentence_mark(line)) return false;
  int separators = 0, fields = 0;
  bool field_open = true;  // a separator (or the start) came since the last field
  std::size_t i = 0;
  int han_run = 0;
  while (i < line.size()) {
    const char32_t c = next_code_point(line, i);
    if (c == '|' || c == 0xFF5C || c == 0x25A0 || c == 0x25A1) {
      ++separators;
      field_open = true;
      han_run = 0;
      continue;
    }
    if ((c == ':' || c == 0xFF1A) && han_run >= 1 && han_run <= 6 && field_open) {
      ++fields;
      field_open = false;
    }
    han_run = is_han(c) ? han_run + 1 : 0;
  }
  return fields >= 2 && separators >= 1;
}

}  // namespace

furniture classify_furniture(std::string_view line) noexcept {
  // A line that opens with an ideograph (nearly every line) can be no banner (it opens with a
  // dash), page date (with a digit or a weekday, "星期二" or "周二"), end mark (symbols only) or
  // page photo note (with a bracket or "本版"): it is asked only whether it is an editor line.
  if (std::size_t at = 0; !line.empty()) {
    const char32_t first = next_code_point(line, at);
    if (is_han(first) && first != U'星' && first != U'周' && first != U'本') {
      return is_editor_line(line) ? furniture::editor_line : furniture::none;
    }
  }
  if (line.size() > 12 && line.starts_with("——") && line.ends_with("——")) return furniture::banner;
  if (line.size() <= 64 && is_page_date(line)) return furniture::page_date;
  if (is_editor_line(line)) return furniture::editor_line;
  if (line.size() <= 64 && is_end_mark(line)) return furniture::end_mark;
  if (match_page_photo_note(line)) return furniture::page_photo_credit;
  return furniture::none;
}

}  // namespace broadsheet::pipeline
