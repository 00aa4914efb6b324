#include "pipeline/evidence.h"

#include <algorithm>

#include "pipeline/char_class.h"
#include "pipeline/closing_lines.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;
using internal::previous_code_point;

namespace {

// A sentence-ending mark anywhere but at the end: a heading never holds one.
bool has_inner_full_stop(std::string_view t) noexcept {
  for (std::string_view mark : {"。", "！", "？"}) {
    for (std::size_t at = t.find(mark); at != std::string_view::npos; at = t.find(mark, at + 1)) {
      std::string_view rest = t.substr(at + mark.size());
      while (rest.starts_with("”") || rest.starts_with("’") || rest.starts_with("）") || rest.starts_with("》")) {
        rest.remove_prefix(3);
      }
      if (!rest.empty()) return true;
    }
  }
  return false;
}

// "甲、乙：": the only clause punctuation is "、" between names, before the closing colon.
bool names_listed(std::string_view t) {
  std::string_view head = t.ends_with("：") ? t.substr(0, t.size() - 3) : t.substr(0, t.size() - 1);
  std::string plain(head);
  for (std::size_t at = plain.find("、"); at != std::string::npos; at = plain.find("、")) plain.erase(at, 3);
  return plain.size() < head.size() && !has_clause_punctuation(plain) && plain.find(':') == std::string::npos &&
         plain.find("：") == std::string::npos;
}

// "韩立新家庭 宋春梅家庭 欧阳明辉家庭 孔德胜家庭", "临河县：孔令华 邢晓燕 包玉珍": entries of a list
// (names, units) separated by spaces: six or more (a headline has up to five segments), or four
// or more short ones of units, or three or more short ones after a colon, or people with their
// units after a colon.
// One entry of a list of people with their unit: a name of two to four characters and a
// bracket ("鲁永昌（西塘竹编）").
bool is_named_entry(std::string_view e) {
  const std::size_t open = e.find("（");
  if (open == std::string_view::npos || !e.ends_with("）")) return false;
  const std::size_t name = visible_chars(e.substr(0, open));
  return name >= 2 && name <= 4;
}

bool is_list_line(std::string_view t) {
  if (t.find(' ') == std::string_view::npos) return false;
  // The entries' lengths in visible characters, without allocating: a line has few.
  constexpr std::size_t most = 32;
  std::array<std::size_t, most> lengths{};
  std::array<std::string_view, most> entries{};
  std::size_t count = 0;
  for (std::size_t i = 0; i < t.size() && count < most;) {
    const std::size_t space = std::min(t.find(' ', i), t.size());
    if (space > i) {
      entries[count] = t.substr(i, space - i);
      lengths[count] = visible_chars(entries[count]);
      ++count;
    }
    i = space + 1;
  }
  if (count < 2) return false;
  // "传统技艺：鲁永昌（西塘竹编） 谭秀英（临河剪纸）": a heading and named entries after a colon.
  const std::string_view first = entries[0];
  const std::size_t colon = std::min(first.find("："), first.find(":"));
  const bool colon_led = colon != std::string_view::npos && visible_chars(first.substr(0, colon)) <= 8;
  if (colon_led) {
    const std::string_view after = first.substr(colon + (first[colon] == ':' ? 1 : 3));
    bool named = after.empty() || is_named_entry(after);
    for (std::size_t k = 1; k < count && named; ++k) named = is_named_entry(entries[k]);
    if (named) return true;
  }
  if (closes_bracket(t) || count < 3) return false;
  // Every entry has two characters or more: a line spaced out character by character is no list.
  std::size_t total = 0, shortest = 1000;
  bool short_entries = true;
  for (std::size_t k = 0; k < count; ++k) {
    total += lengths[k];
    shortest = std::min(shortest, lengths[k]);
    if (k > 0 && lengths[k] > 6) short_entries = false;
  }
  if (shortest < 2) return false;
  // Four or five entries of three characters are as often a slogan ("学思想 强党性 重实践 建新功")
  // as names: a list then needs longer entries (units, families) or a heading with a colon.
  const bool unit_entries = total * 2 >= count * 9;  // 4.5 characters on average
  return count >= 6 || (count >= 4 && short_entries && lengths[0] <= 6 && unit_entries) || (colon_led && short_entries);
}

// A headline-sized line's outline: where its Han characters and its other characters stand,
// hashed (every Han character alike, spaces skipped), so two lines of the same length with
// their punctuation and digits in the same places share it.
std::uint64_t outline_of(std::string_view t) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c == ' ') continue;
    h = (h ^ (is_han(c) ? std::uint64_t{0x4e00} : std::uint64_t{c})) * 1099511628211ull;
  }
  return h;
}

// An e-mail or web address ("电子信箱：linhe@example.cn", "www.example.cn"): a line of contact
// details, never a headline.
bool holds_address(std::string_view t) noexcept {
  return t.find('@') != std::string_view::npos || t.find("www.") != std::string_view::npos ||
         t.find("http://") != std::string_view::npos || t.find("https://") != std::string_view::npos;
}

// "2025年3月18日": a date alone on its line, a notice's sign-off, never a headline.
bool is_bare_date(std::string_view t) noexcept {
  if (!t.ends_with("日")) return false;
  int digits = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c >= '0' && c <= '9') {
      ++digits;
      continue;
    }
    if (c != U'年' && c != U'月' && c != U'日' && c != ' ') return false;
  }
  return digits >= 2;
}

// Ends with "。" before closing quotes or brackets ("…。”").
bool ends_with_full_stop(std::string_view t) noexcept {
  while (t.ends_with("”") || t.ends_with("）") || t.ends_with("’") || t.ends_with("》")) t.remove_suffix(3);
  while (t.ends_with(")") || t.ends_with("\"")) t.remove_suffix(1);
  return t.ends_with("。") || t.ends_with(".");
}

// Two to eight visible characters (t has chars, or more than 80) and no punctuation of any kind.
bool is_label_like(std::string_view t, std::size_t chars) {
  if (chars > 8) return false;
  std::size_t letters = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c == ' ') continue;
    const std::uint8_t cls = char_class(c);
    if ((cls & (cc::han | cc::latin)) == 0) return false;
    ++letters;
  }
  return letters >= 2;
}

// "■…", "●…", "◆…", "▲…": an item of a bulleted list. The first character is decoded once and
// compared, where four starts_with calls (not inlined in facts_of) cost a memcmp each.
bool starts_with_bullet(std::string_view t) noexcept {
  if (t.empty()) return false;
  std::size_t i = 0;
  const char32_t c = next_code_point(t, i);
  return c == U'■' || c == U'●' || c == U'◆' || c == U'▲';
}

// The bytes of a lead-in phrase at the text's start: two to six Han characters and a comma
// ("笔者注意到，"); 0 without one. Every paragraph is asked: a character of U+4000-U+9FFF (lead
// byte E4-E9) is read from its bytes, undecoded; it is Han but for the hexagram symbols
// U+4DC0-U+4DFF (E4 B7 80-BF).
std::size_t short_lead_in(std::string_view t) {
  const auto* b = reinterpret_cast<const unsigned char*>(t.data());
  std::size_t i = 0;
  for (int chars = 0; chars <= 6 && i < t.size(); ++chars) {
    if (b[i] - 0xE4u <= 0xE9u - 0xE4u) {
      if (b[i] == 0xE4 && b[i + 1] == 0xB7) return 0;
      i += 3;
      continue;
    }
    if (b[i] == ',') return chars >= 2 ? i + 1 : 0;
    if (internal::wide_comma_at(t, i)) return chars >= 2 ? i + 3 : 0;
    if (!is_han(next_code_point(t, i))) return 0;
  }
  return 0;
}

}  // namespace

paragraph_facts facts_of(const paragraph& p) {
  paragraph_facts f;
  const std::string_view t = p.text;
  // Up to 81: only headline-sized paragraphs need their length.
  f.chars = std::min<std::size_t>(visible_chars(p), 81);
  // A paragraph of one line was read as that line by reflow (paragraph::line).
  const paragraph::line_reading& line = p.line;
  const text_end end = line.read ? line.end : how_it_ends(t);
  f.sentence_end = end.sentence;
  f.mid_clause = end.mid_clause;
  f.gap_before = p.blanks_before;
  f.furniture_before = p.furniture_before;
  f.md_level = p.md_level;
  f.table_row = t.find('\t') != std::string_view::npos;
  f.jump_marker = find_jump_marker(t);
  if (f.table_row) return f;
  f.caption_arrow = caption_arrow_length(t) > 0;
  if (line.read) {
    if (line.credit != nullptr) f.credit = *line.credit;
  } else if (t.size() <= 600 && t.ends_with("摄")) {
    f.credit = match_photo_credit(t);
  }
  if (opens_bracket(t)) {
    f.continuation = match_continuation(t);
    f.author_note = match_author_note(t);
    f.closing = is_closing_line(t);
  }
  const bool no_dateline = line.read && !line.dateline;  // at the start or after a lead-in
  if (!f.credit && !f.continuation && !no_dateline) f.dateline = match_dateline(t);
  f.dated_late = !f.dateline && !f.credit && !f.continuation && !no_dateline && has_dateline_after_lead_in(t);
  const bool in_brackets = opens_bracket(t) && closes_bracket(t);
  // A note is wholly in brackets, or so behind a lead-in phrase the extraction glued to it
  // ("笔者注意到，（甲、乙）"), which also may hide a closing line.
  std::string_view bracketed_part = in_brackets ? t : std::string_view{};
  if (const std::size_t lead_in = in_brackets ? 0 : short_lead_in(t); lead_in > 0) {
    const std::string_view rest = t.substr(lead_in);
    if (opens_bracket(rest) && closes_bracket(rest)) {
      bracketed_part = rest;
      f.closing = is_closing_line(rest);
    }
  }
  f.note = !bracketed_part.empty() && (!visible_chars_at_most(bracketed_part, 6) || is_bracketed_name(bracketed_part));
  if (f.chars > 80) return f;  // a paragraph of text: none of the rest applies to it

  // A notice signs off with "特此公告。" and its date alone on a line.
  const bool bare_date = is_bare_date(t);
  // "本报记者甲整理" signs a text off, but set as a heading ("### 本报记者甲整理") heads a part of it.
  const bool compiler = p.md_level == 0 && !opens_bracket(t) && is_closing_line(t);
  f.closing = f.closing || t.starts_with("特此") || bare_date || compiler;
  if (!f.dateline && !(line.read && line.no_byline)) f.byline_line = match_byline_line(t);
  f.subtitle = t.starts_with("——") && !t.ends_with("——") && f.chars <= 60 && !f.sentence_end;
  f.dash_kicker = t.ends_with("——") && !t.starts_with("——") && f.chars <= 60;
  const std::size_t tag = f.closing ? std::string_view::npos : column_tag_start(t);
  f.column_tag = tag != std::string_view::npos;
  // The headline's own words, without its column tag.
  const std::string_view words = f.column_tag ? t.substr(0, tag) : t;
  const std::size_t word_chars = f.column_tag ? visible_chars(words) : f.chars;
  f.label_like = is_label_like(t, f.chars);
  f.enumerated = line.read ? line.enumerated : starts_enumerated(t);
  f.bulleted = starts_with_bullet(t);
  f.first_part = t == "一" || t == "（一）" || t == "(一)";
  // A paragraph that is one bracket is a note, a marker or a closing line, never a headline.
  const bool bracketed = in_brackets && !f.column_tag;
  const bool formulaic =
      f.credit || f.continuation || f.author_note || f.closing || f.dateline || f.byline_line || bracketed || f.note;
  // A headline may end with an exclamation or a question ("“我们是一支不可战胜的力量！”") or,
  // as a speaker's kicker, with a colon ("甲委员："); a sentence of text ends with a full stop,
  // and a cut clause with a comma. A line of 51 to 80 characters is a headline only without
  // clause punctuation (a kicker and a title on one line).
  const bool exclaims = f.sentence_end && f.chars <= 30 && !ends_with_full_stop(t);
  // Names parted by "、" are no clause ("甲、乙：").
  const bool speaker = ends_with_colon(t) && f.chars <= 16 && (!has_clause_punctuation(t) || names_listed(t));
  f.heading_like = f.md_level > 0 || f.subtitle ||
                   (!formulaic && !f.caption_arrow && f.chars >= 2 &&
                    (word_chars <= 50 || !has_clause_punctuation(words)) && (!f.sentence_end || exclaims) &&
                    (!f.mid_clause || speaker) && !has_inner_full_stop(words) && !is_list_line(t) && !holds_address(t));
  f.phrases_parted = f.heading_like && !f.subtitle && phrases_parted(words);
  if (f.heading_like && !f.subtitle && !f.dash_kicker) {
    const std::size_t dash = t.find("——");
    const std::string_view after = dash == std::string_view::npos ? std::string_view{} : t.substr(dash + 6);
    f.kicker_inline = dash != std::string_view::npos && dash > 0 &&
                      (after.starts_with(" ") || after.starts_with("：") || after.starts_with(":")) &&
                      visible_chars(after) >= 3;
  }
  if (f.heading_like) f.outline = outline_of(t);
  return f;
}

}  // namespace broadsheet::pipeline
