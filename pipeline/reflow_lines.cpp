#include "pipeline/internal/reflow_lines.h"

#include <algorithm>
#include <optional>

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/closing_lines.h"
#include "pipeline/dateline.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/jump_markers.h"
#include "pipeline/photo_credits.h"
#include "pipeline/text_shape.h"

namespace broadsheet::pipeline::internal {

namespace {

// Clause punctuation at a line's start: the column wrapped before it, whatever the line before is.
bool starts_with_clause_punctuation(std::string_view t) noexcept {
  for (const std::string_view p : {"，", "。", "、", "；", "：", "？", "！", "）"})
    if (t.starts_with(p)) return true;
  return t.starts_with(',') || t.starts_with(';') || t.starts_with(':');
}

// Where the text's last opening bracket, wide or narrow, is; npos when it has none.
// One pass from the end, sixteen bytes a step, stopping at '(' and at the lead byte of "（"
// (the lead of other wide punctuation too): two rfind calls read all of a text without the one
// bracket, and rfind("（") compares at every byte.
std::size_t last_open_bracket(std::string_view t) {
  constexpr std::string_view wide = "（";
  for (std::size_t i = t.size(); (i = rfind_any_of<'(', 0xEF>(t, i)) != std::string_view::npos;) {
    if (t[i] == '(' || t.substr(i).starts_with(wide)) return i;
  }
  return std::string_view::npos;
}

// The photo credit ending t ("… 甲 摄"), looked for in a text of at most `most` bytes.
std::optional<credit_match> credit_at_end(std::string_view t, std::size_t most) {
  return t.size() <= most && t.ends_with("摄") ? match_photo_credit(t) : std::nullopt;
}

// credit: credit_at_end(t, 120) or more (a credit of a longer text is not looked at).
// no_byline: set when t was asked whether it is a byline line and is none.
bool is_formulaic_alone(std::string_view t, const std::optional<credit_match>& credit, bool& no_byline) {
  if (t.find('\t') != std::string_view::npos) return true;
  if (t.starts_with("——")) return true;
  if (t.size() <= 90) {
    if (match_byline_line(t)) return true;  // a compiler's line too ("本报记者甲整理")
    no_byline = true;
  }
  if (t.size() <= 120 && credit && credit->caption_end == 0) return true;
  if (opens_bracket(t)) {
    if (is_closing_line(t)) return true;
    if (auto cont = match_continuation(t); cont && cont->body_offset == t.size()) return true;
    if (find_jump_marker(t) == 0) return true;
  }
  return false;
}

}  // namespace

std::size_t unclosed_bracket_tail(std::string_view t) {
  const std::size_t open = last_open_bracket(t);
  if (open == std::string_view::npos) return std::string_view::npos;
  const std::string_view rest = t.substr(open);
  if (rest.find("）") != std::string_view::npos || rest.find(')') != std::string_view::npos)
    return std::string_view::npos;
  return visible_chars(rest) - 1;
}

bool ends_with_closing(std::string_view t) {
  if (!closes_bracket(t)) return false;
  const std::size_t open = last_open_bracket(t);
  return open != std::string_view::npos && is_closing_line(t.substr(open));
}

bool is_formulaic_alone(std::string_view t) {
  bool no_byline = false;
  return is_formulaic_alone(t, credit_at_end(t, 120), no_byline);
}

line_facts facts_of(const page_line& line, std::vector<credit_match>& credits) {
  line_facts f;
  const std::string_view t = line.text;
  // A line ending with a credit is asked for it once: whether it stands alone, whether it ends.
  std::optional<credit_match> credit = credit_at_end(t, 600);
  f.alone = line.md_level > 0 || is_formulaic_alone(t, credit, f.no_byline);
  f.dateline = dateline_length(t) > 0 || has_dateline_after_lead_in(t);
  f.enumerated = starts_enumerated(t);
  f.starts = f.alone || f.enumerated || f.dateline || caption_arrow_length(t) > 0 ||
             (opens_bracket(t) && match_continuation(t));
  // A caption ends with its photo credit ("…现场。 本报记者 甲 摄"): finished like a sentence.
  f.end = how_it_ends(t);
  f.ends = f.end.sentence || credit.has_value() || ends_with_closing(t);
  if (credit) {
    f.credit = static_cast<int>(credits.size());
    credits.push_back(std::move(*credit));
  }
  // One column per visible character, one more for a wide one: every character with lead byte
  // E4-E9 (mostly CJK ideographs) without decoding, any other non-ASCII one by its class.
  // The same pass sees every wide clause mark (has_clause_punctuation's "，、；！？" and "。", all
  // with lead byte E3 or EF), so only a line without one is searched again, for ASCII marks.
  std::size_t other_wide = 0;
  bool wide_clause_mark = false;
  const line_bytes counted = scan_line(t, [&](std::size_t i) {
    // "，" and "。" (cjk_punct) without decoding: most of a line's other characters.
    if (comma_or_full_stop_at(t, i)) {
      ++other_wide;
      wide_clause_mark = true;
      return;
    }
    std::size_t after = i;
    const char32_t c = next_code_point(t, after);
    other_wide += (char_class(c) & (cc::han | cc::cjk_punct)) != 0 ? 1 : 0;
    wide_clause_mark = wide_clause_mark || c == 0x3001 || c == 0xFF1B || c == 0xFF01 || c == 0xFF1F;
  });
  f.chars = counted.visible;
  f.columns = static_cast<int>(counted.visible + counted.wide_leads + other_wide);
  // has_clause_punctuation(t): a colon alone does not make a cut sentence.
  f.sentence_like = wide_clause_mark || find_any_of<',', ';', '?', '!'>(t, 0) < t.size();
  f.source = opens_bracket(t) && closes_bracket(t) && is_bracketed_name(t);
  f.continues = starts_with_clause_punctuation(t);
  return f;
}

int typical_columns(const std::vector<page_line>& lines, const std::vector<line_facts>& facts) {
  std::vector<int> widths;
  std::size_t block_start = 0;
  for (std::size_t i = 0; i <= lines.size(); ++i) {
    if (i == lines.size() || (i > 0 && lines[i].blanks_before > 0)) {
      if (i - block_start >= 3) {
        for (std::size_t j = block_start; j < i; ++j) {
          if (!facts[j].alone) widths.push_back(facts[j].columns);
        }
      }
      block_start = i;
    }
  }
  if (widths.size() < 6) return 0;
  std::sort(widths.begin(), widths.end());
  return widths[widths.size() * 3 / 4];
}

}  // namespace broadsheet::pipeline::internal
