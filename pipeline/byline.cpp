#include "pipeline/byline.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "pipeline/char_class.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/text_shape.h"

namespace broadsheet::pipeline {

using internal::next_code_point;

namespace {

enum class role { reporter, correspondent, photographer, author };

struct role_keyword {
  std::string_view text;
  role r;
};

// Longest first, so that "见习记者" wins over "记者".
constexpr std::array<role_keyword, 17> role_keywords{{
    {"本报特约记者", role::reporter},
    {"本报通讯员", role::correspondent},
    {"特约通讯员", role::correspondent},
    {"本报记者", role::reporter},
    {"特约记者", role::reporter},
    {"见习记者", role::reporter},
    {"实习记者", role::reporter},
    {"首席记者", role::reporter},
    {"摄影记者", role::photographer},
    {"全媒体记者", role::reporter},
    {"融媒记者", role::reporter},
    {"通讯员", role::correspondent},
    {"实习生", role::reporter},
    {"评论员", role::author},
    {"记者", role::reporter},
    {"作者", role::author},
    {"摄影", role::photographer},
}};

// The head nouns of roles: what the job is, whatever a paper prints before it ("本报特派记者",
// "本报融媒体记者", "特约撰稿人"). Longest first, as above.
constexpr std::array<role_keyword, 6> role_heads{{
    {"摄影记者", role::photographer},
    {"通讯员", role::correspondent},
    {"实习生", role::reporter},
    {"撰稿人", role::author},
    {"评论员", role::author},
    {"记者", role::reporter},
}};

constexpr bool three_byte_first(std::string_view text) {
  return text.size() >= 3 && (static_cast<unsigned char>(text[0]) & 0xF0u) == 0xE0u;
}
static_assert(std::all_of(role_keywords.begin(), role_keywords.end(),
                          [](const role_keyword& k) { return three_byte_first(k.text); }) &&
                  std::all_of(role_heads.begin(), role_heads.end(),
                              [](const role_keyword& k) { return three_byte_first(k.text); }),
              "first_code_point decodes a three-byte first character");

// The first character of a keyword, all Han (three bytes in UTF-8).
constexpr char32_t first_code_point(std::string_view text) {
  const auto byte = [&](std::size_t n) { return static_cast<char32_t>(static_cast<unsigned char>(text[n])); };
  return ((byte(0) & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
}

// The first characters of the role keywords and of the head nouns: a text position is compared
// with them only where one of them starts with its character.
template <std::size_t n>
constexpr std::array<char32_t, n> firsts_of(const std::array<role_keyword, n>& words) {
  std::array<char32_t, n> firsts{};
  for (std::size_t k = 0; k < n; ++k) firsts[k] = first_code_point(words[k].text);
  return firsts;
}
constexpr auto keyword_firsts = firsts_of(role_keywords);
constexpr auto head_firsts = firsts_of(role_heads);

// Bit c % 256 is set for every c of firsts: one test passes over most other characters.
template <std::size_t n>
constexpr std::array<std::uint64_t, 4> bits_of(const std::array<char32_t, n>& firsts) {
  std::array<std::uint64_t, 4> bits{};
  for (const char32_t c : firsts) bits[(c / 64) % 4] |= std::uint64_t{1} << (c % 64);
  return bits;
}
constexpr auto keyword_first_bits = bits_of(keyword_firsts);
constexpr auto head_first_bits = bits_of(head_firsts);

bool may_start_a_keyword(char32_t c) { return ((keyword_first_bits[(c / 64) % 4] >> (c % 64)) & 1) != 0; }
bool may_start_a_head(char32_t c) { return ((head_first_bits[(c / 64) % 4] >> (c % 64)) & 1) != 0; }

// The role keyword text starts with (the first in role_keywords, so the longest), else nullptr.
const role_keyword* keyword_at(std::string_view text) {
  if (text.empty()) return nullptr;
  std::size_t i = 0;
  const char32_t first = next_code_point(text, i);
  if (!may_start_a_keyword(first)) return nullptr;
  for (std::size_t k = 0; k < role_keywords.size(); ++k) {
    if (keyword_firsts[k] == first && text.starts_with(role_keywords[k].text)) return &role_keywords[k];
  }
  return nullptr;
}

// A role where a token starts: a keyword, or up to three Han characters of a paper's own words
// before a head noun ("本报驻站记者", "本刊见习通讯员", "特约撰稿人"), after "本报" or "本刊" or,
// without them, only where a space or the end follows the head: a name glued to a role
// ("郭明通讯员赵小青"), a place before it ("网点记者从会上获悉") or a sentence's words ("告诉本报记者，…")
// are no role. Right after a name (glued_to_a_name), only a keyword or a role of the paper's own.
// Returns the role's bytes, 0 when there is none.
struct role_match {
  std::size_t size = 0;
  role r = role::reporter;
};
constexpr bool glued_to_a_name = true;
role_match role_at(std::string_view text, bool after_name = false) {
  // Every keyword, word and head is an ideograph of U+4000-U+9FFF (lead byte E4-E9), read here
  // undecoded; any other character ends the search.
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const auto ideograph_at = [&](std::size_t i) -> char32_t {
    if (i + 3 > text.size() || b[i] - 0xE4u > 0xE9u - 0xE4u) return 0;
    return ((b[i] & 0x0Fu) << 12) | ((b[i + 1] & 0x3Fu) << 6) | (b[i + 2] & 0x3Fu);
  };
  const char32_t first = ideograph_at(0);
  if (first == 0) return {};
  bool own_paper = false;
  if (may_start_a_keyword(first)) {
    if (const role_keyword* kw = keyword_at(text)) return {kw->text.size(), kw->r};
    own_paper = text.starts_with("本报") || text.starts_with("本刊");
  }
  if (after_name && !own_paper) return {};
  // Without the paper's name a space ends the head, within the first seven characters (three
  // words and the longest head): a text without one there holds no such role.
  if (!own_paper && std::memchr(b, ' ', std::min<std::size_t>(text.size(), 22)) == nullptr) return {};
  for (std::size_t i = own_paper ? 6 : 0, words = 0; words <= 3; ++words, i += 3) {
    const char32_t c = i == 0 ? first : ideograph_at(i);
    if (c == 0) return {};
    if (!may_start_a_head(c)) continue;
    for (const role_keyword& head : role_heads) {
      if (!text.substr(i).starts_with(head.text)) continue;
      const std::size_t end = i + head.text.size();
      if (own_paper || end == text.size() || text[end] == ' ') return {end, head.r};
    }
  }
  return {};
}

std::vector<std::string>& list_for(byline& b, role r) {
  switch (r) {
    case role::reporter: return b.reporters;
    case role::correspondent: return b.correspondents;
    case role::photographer: return b.photographers;
    case role::author: return b.authors;
  }
  return b.reporters;
}

bool is_separator(char32_t c) { return c == ' ' || c == 0x3001 || c == 0xFF0C || c == ',' || c == 0x3000; }

// How parse_names reads its text.
struct name_rules {
  bool require_keyword = false;  // the text must start with a role keyword
  // A line's only run of names, five or six Han characters, is two names whose space was lost
  // ("本报记者周明远许安然"): only on a byline line, where nothing but names follows the keyword.
  bool glued_pairs = false;
};

// Common single-character family names: where two names of five characters together are cut.
constexpr std::string_view common_family_names =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤申";

bool common_family_name(std::string_view c) {
  for (std::size_t i = 0; i + c.size() <= common_family_names.size(); i += c.size()) {
    if (common_family_names.substr(i, c.size()) == c) return true;
  }
  return false;
}

// The byte offset after the first n characters of s.
std::size_t offset_after(std::string_view s, std::size_t n) {
  std::size_t at = 0;
  for (std::size_t k = 0; k < n && at < s.size(); ++k) static_cast<void>(next_code_point(s, at));
  return at;
}

// How many characters of a glued run of two names (five or six Han characters) the first name
// takes: three of six; of five, two when the third character starts a family name and the fourth
// does not ("王川林晓雨"), else three ("林晓雨孙一").
std::size_t glued_cut(std::string_view run, std::size_t chars) {
  if (chars == 6) return 3;
  const std::size_t third = offset_after(run, 2), fourth = offset_after(run, 3), fifth = offset_after(run, 4);
  const bool third_starts = common_family_name(run.substr(third, fourth - third));
  return third_starts && !common_family_name(run.substr(fourth, fifth - fourth)) ? 2 : 3;
}

// Parses "记者甲 通讯员乙 丙" into b. Every token must be a role keyword or a name of 2 to 4 Han
// characters (up to 8 with a middle dot, as in transliterated names; two names of 5 or 6
// characters together under rules.glued_pairs). Returns false otherwise.
bool parse_names(std::string_view text, role default_role, name_rules rules, byline& b) {
  role current = default_role;
  // The name being read is text[name_start, name_end): its characters are never apart.
  std::size_t name_start = 0, name_end = 0;
  std::size_t name_chars = 0;
  bool dotted = false;
  bool any_keyword = false, any_name = false;
  auto flush = [&]() -> bool {
    if (name_chars == 0) return true;
    const std::size_t max = dotted ? 8 : 4;
    // Only a line's one run of names, at its end ("记者从会上获悉，今年以来" is a sentence).
    const bool glued =
        rules.glued_pairs && !dotted && (name_chars == 5 || name_chars == 6) && !any_name && name_end == text.size();
    if (name_chars < 2 || (name_chars > max && !glued)) return false;
    const std::string_view name = text.substr(name_start, name_end - name_start);
    if (glued) {
      const std::size_t cut = offset_after(name, glued_cut(name, name_chars));
      list_for(b, current).emplace_back(name.substr(0, cut));
      list_for(b, current).emplace_back(name.substr(cut));
    } else {
      list_for(b, current).emplace_back(name);
    }
    any_name = true;
    name_chars = 0;
    dotted = false;
    return true;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    // Where a token starts, any role; inside a run of Han characters, a keyword or the paper's
    // own role ends a name glued to it ("郭明通讯员赵小青", "周明远本报特派记者许安然").
    if (name_chars == 0) {
      if (const role_match m = role_at(text.substr(i)); m.size != 0) {
        current = m.r;
        any_keyword = true;
        i += m.size;
        continue;
      }
    } else if (name_chars >= 2 && role_at(text.substr(i), glued_to_a_name).size != 0) {
      if (!flush()) return false;
      continue;
    }
    if (rules.require_keyword && !any_keyword) return false;
    const std::size_t at = i;
    const char32_t c = next_code_point(text, i);
    if (is_separator(c)) {
      if (!flush()) return false;
      continue;
    }
    if (c == 0x00B7 && name_chars > 0) {
      dotted = true;
      ++name_chars;
      name_end = i;
      continue;
    }
    if (!is_han(c)) return false;
    if (name_chars == 0) name_start = at;
    ++name_chars;
    name_end = i;
  }
  return flush() && any_name;
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

// t without a final "整理" or "采访整理" (compiled, interviewed and compiled by) and the spaces
// before it.
std::string_view without_compiled(std::string_view t) {
  // Every line is asked: six bytes compared in place, not through ends_with.
  constexpr std::string_view compiled = "整理";
  if (t.size() < compiled.size() ||
      std::memcmp(t.data() + t.size() - compiled.size(), compiled.data(), compiled.size()) != 0) {
    return t;
  }
  t.remove_suffix(compiled.size());
  if (t.ends_with("采访")) t.remove_suffix(6);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

// If s[i] opens a bracket, returns the offset of its matching close bracket, else npos.
std::size_t bracket_end(std::string_view s, std::size_t i, std::size_t max_inner) {
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

std::string_view bracket_inner(std::string_view s, std::size_t open, std::size_t close) {
  const std::size_t open_len = s[open] == '(' ? 1 : 3;
  return s.substr(open + open_len, close - open - open_len);
}

std::size_t bracket_close_len(std::string_view s, std::size_t close) { return s[close] == ')' ? 1 : 3; }

}  // namespace

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

}  // namespace

std::optional<dateline_match> match_dateline(std::string_view p) {
  // [据] issuer [place] [date] 电|讯: "本报讯", "本报北京1月22日电", "据新华社上海 10月21日电",
  // "新华社电". The place is at most ten Han characters; "本报记者" and "本报通讯员" are not
  // datelines (记 and 通 start no dateline ending).
  // Cheap gate: a dateline starts with 据 or 本报, or names its agency (…社, …网) in its first
  // five characters.
  if (!p.starts_with("据") && !p.starts_with("本报") && !names_agency_early(p)) return std::nullopt;
  dateline_reader r{p};
  r.word("据");
  const bool own_paper = p.substr(r.i).starts_with("本报");
  if (!r.issuer()) return std::nullopt;
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
    const bool wide = lead.compare(at, 3, "，") == 0;
    if (!wide && lead[at] != ',') continue;
    if (at > 0 && match_dateline(p.substr(at + (wide ? 3 : 1)))) return true;
  }
  return false;
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

std::optional<credit_match> match_photo_credit(std::string_view text) {
  std::string_view body = text;
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  if (body.size() < 3 || body.substr(body.size() - 3) != "摄") return std::nullopt;
  body.remove_suffix(3);
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  if (body.empty()) return std::nullopt;

  // Token boundaries: the start, after a space, after sentence-ending punctuation. The credit
  // is the longest suffix starting at a boundary that parses as names.
  std::optional<credit_match> best;
  std::size_t i = 0;
  std::vector<std::size_t> boundaries{0};
  while (i < body.size()) {
    const char32_t c = next_code_point(body, i);
    if (c == ' ' || (char_class(c) & cc::terminal)) boundaries.push_back(i);
  }
  for (auto it = boundaries.rbegin(); it != boundaries.rend(); ++it) {
    const std::size_t b = skip_spaces(body, *it);
    byline names;
    if (b >= body.size() || !parse_names(body.substr(b), role::photographer, {}, names)) {
      if (best) break;
      continue;
    }
    if (names.photographers.empty()) {
      // "本报记者 甲 摄": the keyword names the job, the credit is still a photo credit
      names.photographers = names.reporters;
      names.photographers.insert(names.photographers.end(), names.correspondents.begin(), names.correspondents.end());
    }
    best = credit_match{std::move(names.photographers), b};
  }
  if (best && best->caption_end > 0) {
    std::size_t end = best->caption_end;
    while (end > 0 && text[end - 1] == ' ') --end;
    best->caption_end = end;
  }
  return best;
}

std::optional<page_photo_note> match_page_photo_note(std::string_view line) {
  // "（本版图片除署名外均由本报记者甲摄）", "本版图片除署名外均为本报记者甲摄", "（本版摄影：本报记者甲）":
  // a note about the page ("本版…") that names who took its photographs.
  std::string_view t = line;
  const bool bracketed = opens_bracket(t);
  if (bracketed) {
    const std::size_t close = bracket_end(t, 0, 200);
    if (close == std::string_view::npos || skip_spaces(t, close + bracket_close_len(t, close)) != t.size()) {
      return std::nullopt;
    }
    t = bracket_inner(t, 0, close);
  }
  if (!t.starts_with("本版") || t.size() > 150) return std::nullopt;
  const bool about_photos = t.find("图") != std::string_view::npos || t.find("照片") != std::string_view::npos ||
                            t.find("摄") != std::string_view::npos;
  if (!about_photos) return std::nullopt;
  page_photo_note note;
  // The names: after the last 由, 为 or colon, up to a final 摄.
  std::size_t from = std::string_view::npos;
  for (std::string_view mark : {"由", "为", "：", ":"}) {
    const std::size_t at = t.rfind(mark);
    if (at != std::string_view::npos && (from == std::string_view::npos || at + mark.size() > from)) {
      from = at + mark.size();
    }
  }
  if (from == std::string_view::npos) return note;
  std::string_view who = t.substr(from);
  if (who.ends_with("摄")) who.remove_suffix(3);
  byline names;
  if (parse_names(who, role::photographer, {}, names)) {
    note.photographers = names.photographers;
    note.photographers.insert(note.photographers.end(), names.reporters.begin(), names.reporters.end());
    note.photographers.insert(note.photographers.end(), names.correspondents.begin(), names.correspondents.end());
  }
  return note;
}

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
