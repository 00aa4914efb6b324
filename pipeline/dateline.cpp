#include "pipeline/dateline.h"

#include <algorithm>
#include <array>

#include "pipeline/char_class.h"
#include "pipeline/internal/brackets.h"
#include "pipeline/internal/byline_names.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/text.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::bracket_close_len;
using internal::bracket_end;
using internal::bracket_inner;
using internal::next_code_point;
using internal::parse_names;
using internal::role;
using internal::skip_spaces;

namespace {

// Reads a dateline's parts in order from p[i]: each reader advances i and says whether its part
// was there. Spaces between parts are layout (hard-wrapped pages space digits out).
struct dateline_reader {
  std::string_view p;
  std::size_t i = 0;

  char32_t peek() const {
    std::size_t j = i;
    return j < p.size() ? next_code_point(p, j) : 0;
  }
  void spaces() { i = skip_spaces(p, i); }
  bool word(std::string_view w) {
    if (p.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  // Who issued the story: "本报", or a news agency named by up to four Han characters ending in
  // 社 or 网 ("新华社", "中新社", "人民网").
  bool issuer() {
    if (word("本报")) return true;
    std::size_t j = i;
    for (int n = 0; n < 5 && j < p.size(); ++n) {
      const char32_t c = next_code_point(p, j);
      if (!is_han(c)) return false;
      if (n >= 1 && (c == U'社' || c == U'网')) {
        i = j;
        return true;
      }
    }
    return false;
  }
  // "1月22日", "2019年12月31日", "1 月 22 日": digits and 年月日 with layout spaces.
  bool date() {
    const std::size_t start = i;
    int digits = 0, marks = 0;
    while (i < p.size()) {
      const std::size_t at = i;
      const char32_t c = next_code_point(p, i);
      if (c >= '0' && c <= '9') {
        ++digits;
        continue;
      }
      if (c == ' ') continue;
      if ((c == U'年' || c == U'月' || c == U'日') && digits > 0) {
        ++marks;
        if (c == U'日') return true;
        continue;
      }
      i = at;
      break;
    }
    i = start;
    return false;
  }
};

bool starts_a_role(std::string_view t) {
  static constexpr std::array<std::string_view, 6> roles{"记者", "通讯", "评论", "特约", "特派", "特稿"};
  return std::any_of(roles.begin(), roles.end(), [&](std::string_view r) { return t.starts_with(r); });
}

// Whether the first fifteen bytes of p (five Han characters) hold "社" (E7 A4 BE) or "网" (E7 BD
// 91), an agency's name. Their lead byte is looked for in one sixteen-byte step (a byte loop
// where p is shorter), where find calls memchr for each; every line and paragraph is asked.
bool names_agency_early(std::string_view p) noexcept {
  const std::size_t end = std::min<std::size_t>(p.size(), 15);
  const std::string_view head = p.substr(0, 16);
  const auto* b = reinterpret_cast<const unsigned char*>(p.data());
  for (std::size_t i = internal::find_any_of<0xE7>(head, 0); i + 3 <= end;
       i = internal::find_any_of<0xE7>(head, i + 1)) {
    if ((b[i + 1] == 0xA4 && b[i + 2] == 0xBE) || (b[i + 1] == 0xBD && b[i + 2] == 0x91)) return true;
  }
  return false;
}

// dateline_length of a text that passed its gate. A function of its own, never inlined, so that
// the gate, which nearly every line and paragraph fails, runs without saving the registers this
// part needs.
[[gnu::noinline]] std::size_t gated_dateline_length(std::string_view p) {
  dateline_reader r{p};
  r.word("据");
  const bool own_paper = p.substr(r.i).starts_with("本报");
  if (!r.issuer()) return 0;
  std::size_t prefix_end = 0;
  for (int place = 0; place <= 10 && prefix_end == 0; ++place) {
    r.spaces();
    const std::size_t before_date = r.i;
    const bool dated = r.date();
    if (dated) r.spaces();
    const char32_t c = r.peek();
    // An agency names its place with a date ("新华社北京2月27日电"); a place without one is the
    // paper's own short form ("本报北京电") or a name that ends in 电 ("国家电网江苏南京供电").
    if ((c == U'电' || c == U'讯') && place > 0 && !dated && !own_paper) break;
    if (c == U'电' || c == U'讯') {
      // "讯" must not start "讯员" (本报通讯员 is a byline, caught by 通 below anyway).
      if (!(c == U'讯' && p.substr(r.i + 3, 3) == "员")) prefix_end = r.i + 3;
      break;
    }
    r.i = before_date;
    // A byline's role after the issuer ("本报记者", "本报通讯员", "本报特约评论员") ends the
    // search; the same characters inside a place name do not ("本报呼和浩特电", "本报通辽电").
    if (!is_han(c) || starts_a_role(p.substr(r.i))) break;
    (void)next_code_point(p, r.i);  // one Han character of the place
  }
  return prefix_end;
}

}  // namespace

std::size_t dateline_length(std::string_view p) {
  // [据] issuer [place] [date] 电|讯: "本报讯", "本报北京1月22日电", "据新华社上海 10月21日电",
  // "新华社电". The place is at most ten Han characters; "本报记者" and "本报通讯员" are not
  // datelines (记 and 通 start no dateline ending).
  // Cheap gate: a dateline starts with 据 or 本报, or names its agency (…社, …网) in its first
  // five characters.
  if (!p.starts_with("据") && !p.starts_with("本报") && !names_agency_early(p)) return 0;
  return gated_dateline_length(p);
}

std::optional<dateline_match> match_dateline(std::string_view p) {
  const std::size_t prefix_end = dateline_length(p);
  if (prefix_end == 0) return std::nullopt;
  dateline_match m;
  m.dateline = std::string(p.substr(0, prefix_end));
  std::size_t i = skip_spaces(p, prefix_end);
  const std::size_t close = bracket_end(p, i, 120);
  if (close != std::string_view::npos) {
    byline names;
    if (parse_names(bracket_inner(p, i, close), role::reporter, {}, names)) {
      m.names = std::move(names);
      i = close + bracket_close_len(p, close);
    }
  }
  m.body_offset = skip_spaces(p, i);
  return m;
}

bool has_dateline_after_lead_in(std::string_view p) {
  // Commas in the first 12 Han characters' bytes, each followed by the rest of the paragraph.
  const std::string_view lead = p.substr(0, 36);
  // find_first_of with a set calls memchr on the set for every byte: the bytes are searched for
  // sixteen at a time instead.
  for (std::size_t at = internal::find_any_of<',', 0xEF>(lead, 0); at < lead.size();
       at = internal::find_any_of<',', 0xEF>(lead, at + 1)) {
    const bool wide = internal::wide_comma_at(lead, at);
    if (!wide && lead[at] != ',') continue;
    if (at > 0 && dateline_length(p.substr(at + (wide ? 3 : 1))) > 0) return true;
  }
  return false;
}

}  // namespace broadsheet::pipeline
