// segmenter::reader, 3c. reports: a headline over reports from several places, each under a
// title and a byline of its own, is one item; each report's headline lines are paragraphs of its
// text (segmenter_reader.h, pipeline/README.md "How the segmenter reads a page").
//
// The page-level choice reads each report's title and byline as a story's headline, and the
// headline over them as a story without text. This step finds them in the chosen reading and
// joins them. Reports are:
//   - a story whose headline has no text under it (byline lines at most) or a short intro not
//     signed off: a story does not end before its text has begun, so the stories after it are
//     its parts;
//   - then at least report_min_parts stories, each opened by a headline run holding a byline line
//     below its title, with text that does not start with a dateline (a news item of its own)
//     and is at most report_part_chars long; under a headline with no text at all, a story
//     signed at its end by a note or closing line in brackets ("（本报记者乙）", "（甲、乙）") is a
//     report too.
// The first story that is not such a part ends the reports.
#include <cstddef>
#include <vector>

#include "pipeline/internal/segmenter_reader.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

namespace {

// A report holds at most this many characters of text.
constexpr std::size_t report_part_chars = 1600;
// The headline over the reports has at most this much text of its own: none, or an intro.
constexpr std::size_t report_intro_chars = 300;
// A headline over fewer reports than this is not read as their head.
constexpr std::size_t report_min_parts = 2;

}  // namespace

// Characters of text in the choices [first, end), byline lines and dropped lines not counted, or
// some number above most once they pass it: every caller only compares the count with a bound,
// and the story after a headline may be a long one, counted whole for nothing. A paragraph's
// visible characters, which reflow counted, are its characters but its spaces: where they alone
// take the count past most, the paragraph's characters need not be counted.
std::size_t segmenter::reader::text_chars(std::size_t first, std::size_t end, std::size_t most) const {
  std::size_t chars = 0;
  for (std::size_t c = first; c < end; ++c) {
    if (choices_[c].act == action::drop) continue;
    for (std::size_t u = choices_[c].first; u < choices_[c].end; ++u) {
      if (uf(u).byline_line) continue;
      const paragraph& p = ps()[units_[u]];
      if (p.chars != paragraph::not_counted && chars + p.chars > most) return chars + p.chars;
      chars += internal::count_code_points(p.text);
      if (chars > most) return chars;
    }
  }
  return chars;
}

// Where the report that choices_[c] opens ends (one past its last choice), npos when it opens
// none: a report is a headline run with a byline line below its title (as judged, judge_run), or
// where signed_at_end_enough a story whose last line is a note or a closing line, over text that
// does not start with a dateline and is short.
std::size_t segmenter::reader::report_end(std::size_t c, bool signed_at_end_enough) const {
  const choice& head = choices_[c];
  if (head.act != action::open || head.end >= units_.size() || dated(head.end)) return npos;
  const brief_story s = story_at(c, brief_rule{});
  const std::size_t chars = text_chars(s.first, s.end, report_part_chars);
  if (chars == 0 || chars > report_part_chars) return npos;
  // Signed: by a byline line under its title, or by a note or closing line at its end.
  const std::size_t last = choices_[s.end - 1].end - 1;
  const bool signed_at_end = uf(last).closing || uf(last).note;
  return run(head.first, head.end - head.first - 1).byline || (signed_at_end_enough && signed_at_end) ? s.end : npos;
}

void segmenter::reader::group_reports() {
  std::vector<choice>& out = regrouped_;
  out.clear();
  for (std::size_t c = 0; c < choices_.size();) {
    const brief_story head = choices_[c].act == action::open ? story_at(c, brief_rule{}) : brief_story{};
    std::size_t end = head.end, parts = 0;
    // A story signed off before the reports ("（作者为…）") has ended: it does not head them.
    const std::size_t intro = head.end > 0 ? text_chars(head.first, head.end, report_intro_chars) : 0;
    const bool heads = head.end > 0 && head.end < choices_.size() && !signed_off_before(choices_[head.end].first) &&
                       intro <= report_intro_chars;
    if (heads) {
      for (std::size_t next; end < choices_.size() && (next = report_end(end, intro == 0)) != npos; end = next) ++parts;
    }
    if (parts < report_min_parts) {
      out.push_back(choices_[c]);
      ++c;
      continue;
    }
    out.insert(out.end(), choices_.begin() + static_cast<std::ptrdiff_t>(c),
               choices_.begin() + static_cast<std::ptrdiff_t>(head.end));
    push_as_text(head.end, end, out);
    c = end;
  }
  choices_.swap(out);
}

}  // namespace broadsheet::pipeline
