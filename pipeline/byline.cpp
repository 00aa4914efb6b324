#include "pipeline/byline.h"

#include <algorithm>
#include <cstdint>

#include "pipeline/char_class.h"
#include "pipeline/internal/byline_names.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;
using internal::parse_names;
using internal::role;
using internal::role_at;
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
// Han characters take three or four bytes, so the third to sixth start at bytes 6 to 20: a line
// without the bytes of 社, 网 or 台 starting there (nearly every line) has no outlet, found in one
// sixteen-byte step instead of reading its first six characters.
std::size_t outlet_before_keyword(std::string_view line) {
  constexpr std::uint32_t she = 0xE7A4BE, wang = 0xE7BD91, tai = 0xE58FB0;  // 社 网 台
  if (!internal::holds_three_bytes_between<she, wang, tai>(line, 6, 21)) return 0;
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

}  // namespace broadsheet::pipeline
