#include "pipeline/text_shape.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "pipeline/char_class.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;
using internal::previous_code_point;

std::size_t caption_arrow_length(std::string_view t) noexcept {
  if (t.empty() || static_cast<unsigned char>(t[0]) != 0xE2) return 0;  // all arrows are U+2xxx
  for (std::string_view a : {"➡", "⬅", "→", "←", "↑", "↓", "▲", "▼", "◀", "▶"}) {
    if (t.starts_with(a)) return a.size();
  }
  return 0;
}

namespace {

// What may follow a sentence's end mark: a space, a closing quote or bracket (” ’ ） ) 》 」 ").
bool after_sentence_end(char32_t c) noexcept {
  switch (c) {
    case ' ':
    case 0x201D:
    case 0x2019:
    case 0xFF09:
    case ')':
    case 0x300B:
    case 0x300D:
    case '"': return true;
    default: return false;
  }
}

// A sentence's end mark: 。！？… and the semicolons.
bool ends_a_sentence(char32_t c) noexcept { return (char_class(c) & cc::terminal) != 0 || c == 0xFF1B || c == ';'; }

// A mark that leaves a clause open when a text ends with it: ，、：“《（‘ and ASCII , : ( and ·.
bool leaves_a_clause_open(char32_t c) noexcept {
  switch (c) {
    case 0xFF0C:
    case 0x3001:
    case 0xFF1A:
    case 0x201C:
    case 0x300A:
    case 0xFF08:
    case 0x2018:
    case ',':
    case ':':
    case '(':
    case 0x00B7: return true;
    default: return false;
  }
}

}  // namespace

bool ends_sentence(std::string_view t) noexcept {
  std::size_t end = t.size();
  while (end > 0) {
    const char32_t c = previous_code_point(t, end);
    std::size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (after_sentence_end(c)) {
      end -= len;
      continue;
    }
    return ends_a_sentence(c);
  }
  return false;
}

namespace {

// 一 to 十.
bool is_numeral(char32_t c) noexcept {
  switch (c) {
    case U'一':
    case U'二':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
    case U'十': return true;
    default: return false;
  }
}

}  // namespace

bool starts_enumerated(std::string_view s) noexcept {
  // Gate, asked of every line and paragraph: a numbered text opens with a bracket ('(' or the
  // lead byte EF of "（"), a digit or a numeral, whose first two bytes are E4 B8-BA (一二三五七九)
  // or E5 85, 8D, 9B (六八十四); a text opening with any other ideograph is passed over undecoded.
  if (s.empty()) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  if (b[0] == 0xE4 || b[0] == 0xE5) {
    // A lead byte of valid UTF-8 has its continuation bytes after it.
    if (b[0] == 0xE4 ? b[1] - 0xB8u > 0xBAu - 0xB8u : b[1] != 0x85 && b[1] != 0x8D && b[1] != 0x9B) return false;
  } else if (b[0] != '(' && b[0] != 0xEF && (b[0] < '0' || b[0] > '9')) {
    return false;
  }
  std::size_t i = 0;
  if (s.starts_with("（") || s.starts_with("(")) i = s[0] == '(' ? 1 : 3;
  std::size_t numerals = 0, digits = 0;
  while (i < s.size()) {
    std::size_t j = i;
    const char32_t c = next_code_point(s, j);
    if (c >= '0' && c <= '9')
      ++digits;
    else if (is_numeral(c))
      ++numerals;
    else
      break;
    i = j;
  }
  if ((numerals == 0 && digits == 0) || (numerals > 0 && digits > 0) || digits > 2 || i >= s.size()) return false;
  std::size_t j = i;
  const char32_t c = next_code_point(s, j);
  if (c == '.' || c == 0xFF0E) return digits > 0 && j < s.size() && !(s[j] >= '0' && s[j] <= '9');  // "1." not "1.5"
  return c == 0x3001 || c == 0xFF09 || c == ')';
}

bool ends_mid_clause(std::string_view t) noexcept {
  return !t.empty() && leaves_a_clause_open(previous_code_point(t, t.size()));
}

// The last character decoded once for both questions: only a text whose last character may
// follow an end mark (a quote, a bracket, a space) is read further back, by ends_sentence.
text_end how_it_ends(std::string_view t) noexcept {
  if (t.empty()) return {};
  const char32_t c = previous_code_point(t, t.size());
  return {after_sentence_end(c) ? ends_sentence(t) : ends_a_sentence(c), leaves_a_clause_open(c)};
}

namespace {

// A column's name with a number in it: two Han characters or more besides those of dates,
// counts, datelines and page markers, and none of the last three.
bool named_with_number(std::string_view inner) {
  std::size_t words = 0;
  for (std::size_t i = 0; i < inner.size();) {
    const char32_t c = next_code_point(inner, i);
    if (c == U'月' || c == U'日' || c == U'电' || c == U'版') return false;
    if (is_han(c) && c != U'年' && c != U'个' && c != U'户' && c != U'人' && c != U'号') ++words;
  }
  return words >= 2;
}

}  // namespace

constexpr std::string_view sentence_marks[] = {"。", "；", "？", "！", ";", "?", "!"};

// Where the bracketed column tag that ends t starts, npos without one: "…（思想纵横）",
// "…(解码·一带一路)", a longer series name with its parts parted by "·" ("（守初心 担使命·深入
// 开展…主题教育·整改落实）").
std::size_t column_tag_start(std::string_view t) noexcept {
  constexpr std::size_t npos = std::string_view::npos;
  if (!t.ends_with("）") && !t.ends_with(")")) return npos;
  const std::size_t wide = t.rfind("（"), narrow = t.rfind('(');
  std::size_t open = wide;
  if (narrow != npos && (open == npos || narrow > open)) open = narrow;
  if (open == npos || open == 0) return npos;
  const std::size_t open_len = t[open] == '(' ? 1 : 3;
  const std::string_view inner = t.substr(open + open_len, t.size() - open - open_len - (t.back() == ')' ? 1 : 3));
  const std::size_t n = visible_chars(inner);
  // A tag names a column in words, a number may be part of its name ("（动感2019）", "（礼赞70年）");
  // counts ("（4户）"), dates ("（2025年）", "…月…日"), datelines ("…电") and page markers ("…版")
  // are not tags.
  const bool digits =
      std::any_of(inner.begin(), inner.end(), [](char c) { return c >= '0' && c <= '9'; }) && !named_with_number(inner);
  // A tag may hold a comma ("（社区防控，我们在行动）"), never the end of a sentence.
  const bool sentence_inside = std::any_of(std::begin(sentence_marks), std::end(sentence_marks),
                                           [&](std::string_view m) { return inner.find(m) != npos; });
  const bool series = n <= 40 && inner.find("·") != npos;
  // "（作者为甲公司 （乙局） 丙）": the last bracket opened inside another, not a tag.
  const bool nested = inner.find("）") != npos || inner.find(')') != npos;
  return n >= 2 && (n <= 16 || series) && !digits && !sentence_inside && !nested ? open : npos;
}

namespace {

// Byte-level scan for clause punctuation: ，；！？ are EF BC 8C/9B/81/9F, ： is EF BC 9A, 、。 are
// E3 80 81/82, plus ASCII , ; ? ! and, when colons count, a ':' that is not between digits
// ("8:30").
bool scan_punctuation(std::string_view t, bool colons) noexcept {
  const auto* b = reinterpret_cast<const unsigned char*>(t.data());
  const std::size_t n = t.size();
  constexpr auto next_candidate = internal::find_any_of<',', ';', '?', '!', ':', 0xEF, 0xE3>;
  for (std::size_t i = next_candidate(t, 0); i < n; i = next_candidate(t, i + 1)) {
    switch (b[i]) {
      case ',':
      case ';':
      case '?':
      case '!': return true;
      case ':': {
        const bool digit_before = i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9';
        const bool digit_after = i + 1 < n && b[i + 1] >= '0' && b[i + 1] <= '9';
        if (colons && !(digit_before && digit_after)) return true;
        break;
      }
      case 0xEF:
        if (i + 2 < n && b[i + 1] == 0xBC &&
            (b[i + 2] == 0x8C || b[i + 2] == 0x9B || b[i + 2] == 0x81 || b[i + 2] == 0x9F ||
             (colons && b[i + 2] == 0x9A))) {
          return true;
        }
        break;
      case 0xE3:
        if (i + 2 < n && b[i + 1] == 0x80 && (b[i + 2] == 0x81 || b[i + 2] == 0x82)) return true;
        break;
      default: break;
    }
  }
  return false;
}

}  // namespace

bool is_sentence_like(std::string_view t) noexcept { return scan_punctuation(t, true); }
bool has_clause_punctuation(std::string_view t) noexcept { return scan_punctuation(t, false); }

std::size_t visible_chars(std::string_view t) noexcept { return internal::count_visible(t); }

bool visible_chars_at_most(std::string_view t, std::size_t limit) noexcept {
  if (t.size() <= limit) return true;  // a code point takes at least one byte
  // Counted in pieces of 32 bytes (ten or more Chinese characters, two sixteen-byte steps), so
  // that a long text stops soon after the limit: the callers ask of at most eight characters.
  constexpr std::size_t piece = 32;
  std::size_t n = 0;
  for (std::size_t i = 0; i < t.size(); i += piece) {
    n += internal::count_visible(t.substr(i, piece));
    if (n > limit) return false;
  }
  return true;
}

// Two or three phrases of at most twenty-four characters (a kicker naming a person and their
// post may be long) parted by spaces, with two Han characters
// on each side of a space (a quote or a bracket between them allowed): "万泉河清 琼海更美",
// "发挥作用 “硬核”担当". Not a line spaced out character by character, nor a list of units
// ("焦作市纪委监委 政协焦作市委员会办公室（机关） 中共焦作市委宣传部").
bool phrases_parted(std::string_view t) noexcept {
  // Most lines have no space to part them: no need to decode those.
  if (internal::find_any_of<' '>(t, 0) == t.size()) return false;
  // A headline line has at most 80 characters: decoded once, into the stack.
  std::array<char32_t, 96> cs{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < t.size() && n < cs.size();) cs[n++] = next_code_point(t, i);
  auto han = [&](std::size_t k) { return k < n && is_han(cs[k]); };
  auto punct = [&](std::size_t k) { return k < n && (char_class(cs[k]) & cc::cjk_punct) != 0; };
  std::size_t parts = 1, part = 0, longest = 0;
  bool parted = false;
  for (std::size_t k = 0; k < n; ++k) {
    if (cs[k] == U'（' || cs[k] == '(') return false;
    if (cs[k] != ' ') {
      longest = std::max(longest, ++part);
      continue;
    }
    part = 0;
    ++parts;
    if (k < 2) continue;
    const std::size_t before = punct(k - 1) ? k - 2 : k - 1, after = punct(k + 1) ? k + 2 : k + 1;
    parted = parted || (before >= 1 && han(before) && han(before - 1) && han(after) && han(after + 1));
  }
  return parted && parts <= 3 && longest <= 24;
}

bool is_bracketed_name(std::string_view t) noexcept {
  if (!visible_chars_at_most(t, 8)) return false;
  std::size_t han = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if ((char_class(c) & cc::han) != 0) {
      ++han;
    } else if (c != 0xFF08 && c != 0xFF09 && c != '(' && c != ')') {
      return false;
    }
  }
  return han >= 2;
}

bool names_notice(std::string_view text) noexcept {
  static constexpr std::array<std::string_view, 10> endings{"公示", "公告", "通告", "通知", "启事",
                                                            "声明", "讣告", "告示", "名单", "光荣榜"};
  return std::any_of(endings.begin(), endings.end(), [&](std::string_view e) { return text.ends_with(e); });
}

}  // namespace broadsheet::pipeline
