// segmenter::reader, 3b. digests: a column of briefs under one label ("本地快讯", "一周简讯") is
// one item, the label its title and each brief's headline a paragraph of its text
// (segmenter_reader.h, pipeline/README.md "How the segmenter reads a page").
//
// The page-level choice reads every brief's headline as a story's headline; this step finds the
// column in the chosen reading and joins it. A digest is:
//   - a story whose headline run holds a short label line right above its title, or at its top
//     over lines set between them (another label, a byline line), and no subtitle (a label
//     above an article's title is a section or column name: what tells a digest apart is what
//     comes after it); or a story headed by the label alone whose first
//     text is a headline line, the first brief's title read as a subhead ("## 简讯 / ### 甲");
//   - then at least one more story whose headline is its title alone (or under a "……——"
//     kicker);
//   - every one of them brief (at most 700 characters of text) and signed off by a line in
//     brackets, the brief's source ("（柯文）", "（据新华社日内瓦电记者甲）").
// Briefs with their own bylines, subtitles or labels, or a long story, end the column.
// A column compiled by a reporter, a byline line between its label and its first title
// ("乡村快讯" / "本报记者 甲" / title), holds briefs of up to 1,000 characters whose titles may
// carry one line under them (a summary, a field), and may leave its briefs unsigned when the
// first is. Its briefs are set alike: a signed column ends at an unsigned story, and in an
// unsigned one every brief after the first has that line under its title (a title alone over a
// short text starts the next story).
//
// Where titles follow their text, the label follows the column: the briefs' titles, each above
// its text, are read as the titles closing the texts before them. There a digest is a close by a
// label line alone after a brief, and the briefs closed by titles alone right before it; or,
// where the briefs' titles were read as opening their texts (a dateline under each), a label
// line read as text right after the last of two or more briefs opened by titles alone.
#include <cstddef>
#include <vector>

#include "pipeline/internal/segmenter_reader.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

namespace {

// A brief in a column compiled by a reporter holds at most this many characters.
constexpr std::size_t compiled_brief_chars = 1000;
// A digest's label: a short line above the first brief's title.
constexpr std::size_t digest_label_chars = 8;

}  // namespace

// Whether the text choices [first, end) make a brief under the rule: short text whose last
// paragraph is a bracket where the rule asks for a sign-off.
bool segmenter::reader::brief_text(std::size_t first, std::size_t end, const brief_rule& rule) const {
  std::size_t chars = 0, last_text = npos;
  for (std::size_t c = first; c < end; ++c) {
    if (choices_[c].act == action::drop) continue;
    chars += internal::count_code_points(ut(choices_[c].first));
    if (chars > rule.chars) return false;  // a long story is read no further
    last_text = choices_[c].first;
  }
  return last_text != npos && chars <= rule.chars && (!rule.signed_off || uf(last_text).closing || uf(last_text).note);
}

// The story opened by choices_[c]: one past its last choice, and whether it is a brief.
segmenter::reader::brief_story segmenter::reader::story_at(std::size_t c, const brief_rule& rule) const {
  brief_story b;
  b.first = b.end = c + 1;
  while (b.end < choices_.size() && (choices_[b.end].act == action::body || choices_[b.end].act == action::drop))
    ++b.end;
  const bool closes = b.end < choices_.size() && choices_[b.end].act == action::close;
  b.brief = !closes && brief_text(b.first, b.end, rule);
  return b;
}

// The text of the story closed by choices_[c], and whether it is a brief.
segmenter::reader::brief_story segmenter::reader::story_before(std::size_t c) const {
  brief_story b;
  b.first = b.end = c;
  while (b.first > 0 && (choices_[b.first - 1].act == action::body || choices_[b.first - 1].act == action::drop))
    --b.first;
  if (b.first > 0 && choices_[b.first - 1].act == action::cut) --b.first;
  b.brief = brief_text(b.first, b.end, brief_rule{});
  return b;
}

// The label line of the story opened by choices_[c] when it can head a digest: right above the
// title in its headline run, or that run alone over a headline line read as text; short, not a
// speaker's name ("甲委员："); npos otherwise.
std::size_t segmenter::reader::digest_label(std::size_t c) const {
  const choice& head = choices_[c];
  if (head.act != action::open) return npos;
  const std::size_t title = title_of(head.first, head.end);
  if (title == npos) return npos;
  const bool over_text_title = c + 1 < choices_.size() && choices_[c + 1].act == action::body &&
                               uf(choices_[c + 1].first).heading_like && !uf(choices_[c + 1].first).byline_line;
  if (title == head.first && !(head.end == head.first + 1 && over_text_title)) return npos;
  for (std::size_t k = head.first; k < head.end; ++k) {
    if (uf(k).subtitle) return npos;
  }
  // The label heads the run: right above the title, or at the run's top over lines set between
  // them (another label, a byline).
  if (title != head.first && label_line(head.first)) return head.first;
  const std::size_t label = title == head.first ? title : title - 1;
  return label_line(label) ? label : npos;
}

// Whether unit u can be a digest's label: a short headline line (after a short rubric), not a
// speaker's name ("甲委员：").
bool segmenter::reader::label_line(std::size_t u) const {
  const paragraph_facts& f = uf(u);
  const std::string_view t = ut(u);
  if (!f.heading_like || f.dash_kicker || f.byline_line || ends_with_colon(t)) return false;
  // A rubric of up to four characters may precede the label: "栏目：一周简讯".
  std::size_t colon = t.find("：");
  if (colon == std::string_view::npos) colon = t.find(':');
  const std::size_t before_colon = colon == std::string_view::npos ? 0 : visible_chars(t.substr(0, colon));
  const std::size_t rubric = before_colon > 0 && before_colon <= 4 ? before_colon + 1 : 0;
  return f.chars - rubric <= digest_label_chars;
}

// Whether the headline run [i, j) is a brief's inside a digest: its title alone, or under a
// kicker that leads into it; where the rule allows, a title with one line under it (a summary,
// a field such as "来源：…").
bool segmenter::reader::brief_headline(std::size_t i, std::size_t j, const brief_rule& rule) const {
  const bool with_line = j == i + 2 && !uf(i).byline_line && !uf(i + 1).byline_line;
  if (rule.under_title != line_under_title::never && with_line) return true;
  if (rule.under_title == line_under_title::must) return false;
  const std::size_t title = title_of(i, j);
  if (title == npos || title + 1 != j) return false;
  return title == i || (title == i + 1 && uf(i).dash_kicker);
}

// Whether the digest opened by choices_[c] under its label is compiled by a reporter: a byline
// line between the label and the first brief's title ("乡村快讯" / "本报记者 甲" / title).
bool segmenter::reader::compiled_column(std::size_t c, std::size_t label) const {
  const std::size_t title = title_of(choices_[c].first, choices_[c].end);
  for (std::size_t u = label + 1; title != npos && u < title; ++u) {
    if (uf(u).byline_line) return true;
  }
  return false;
}

// Every headline line of the choices [first, end) as a paragraph of a digest's text.
void segmenter::reader::push_as_text(std::size_t first, std::size_t end, std::vector<choice>& out) const {
  for (std::size_t k = first; k < end; ++k) {
    const choice& x = choices_[k];
    if (x.act != action::open && x.act != action::close) {
      out.push_back(x);
      continue;
    }
    for (std::size_t u = x.first; u < x.end; ++u) out.push_back(choice{u, u + 1, action::body, 0});
  }
}

void segmenter::reader::group_digests() {
  group_digests_before();
  group_digests_after();
}

// Where titles follow their text: a label closing a brief, after briefs closed by their titles;
// or a label read as text after briefs opened by their titles.
void segmenter::reader::group_digests_after() {
  std::vector<choice>& out = regrouped_;
  out.clear();
  std::size_t done = 0;  // choices_[0, done) are in out
  for (std::size_t c = 0; c < choices_.size(); ++c) {
    const choice& label = choices_[c];
    if (label.end != label.first + 1 || !label_line(label.first)) continue;
    // The label closes the last brief, or (briefs titled above their text, as the column sets
    // them) stands as a line of text after it.
    const bool closes = label.act == action::close;
    if (!closes && label.act != action::body) continue;
    const brief_story last = story_before(c);
    if (!last.brief) continue;
    auto brief_title = [&](std::size_t h, action act) {
      return choices_[h].act == act && brief_headline(choices_[h].first, choices_[h].end, brief_rule{});
    };
    std::size_t first = last.first;  // where the column starts
    std::size_t briefs = 1;
    if (closes) {
      // Each brief before the last is closed by its title alone: [text][title][text]…[label].
      while (first > done && brief_title(first - 1, action::close)) {
        const brief_story before = story_before(first - 1);
        if (!before.brief || before.first < done) break;
        first = before.first;
        ++briefs;
      }
    } else {
      // Each brief is opened by its title alone: [title][text][title][text]…[label].
      if (first == 0 || first - 1 < done || !brief_title(first - 1, action::open)) continue;
      --first;
      while (first > done && first > 1) {
        const brief_story before = story_before(first);
        if (!before.brief || before.first == 0 || before.first - 1 < done ||
            !brief_title(before.first - 1, action::open))
          break;
        first = before.first - 1;
        ++briefs;
      }
    }
    if (briefs < 2) continue;  // no brief before the last: not a digest
    out.insert(out.end(), choices_.begin() + static_cast<std::ptrdiff_t>(done),
               choices_.begin() + static_cast<std::ptrdiff_t>(first));
    push_as_text(first, c, out);
    out.push_back(choice{label.first, label.end, action::close, label.score});
    done = c + 1;
  }
  if (done == 0) return;
  out.insert(out.end(), choices_.begin() + static_cast<std::ptrdiff_t>(done), choices_.end());
  choices_.swap(out);
}

// Where titles come first: a label over a brief's title, then briefs opened by their titles.
void segmenter::reader::group_digests_before() {
  std::vector<choice>& out = regrouped_;
  out.clear();
  for (std::size_t c = 0; c < choices_.size();) {
    const choice& head = choices_[c];
    const std::size_t label = digest_label(c);
    // A column's briefs are signed off alike. One compiled by a reporter may leave them all
    // unsigned, hold longer ones, and set a line under their titles.
    brief_rule rule;
    brief_story first = label != npos ? story_at(c, rule) : brief_story{};
    if (label != npos && compiled_column(c, label)) {
      rule =
          brief_rule{compiled_brief_chars, first.brief, first.brief ? line_under_title::may : line_under_title::must};
      first = story_at(c, rule);
    }
    // The briefs after the first: each opened by a brief's headline.
    std::size_t end = first.end;
    while (first.brief && end < choices_.size() && choices_[end].act == action::open &&
           brief_headline(choices_[end].first, choices_[end].end, rule)) {
      const brief_story next = story_at(end, rule);
      if (!next.brief) break;
      end = next.end;
    }
    if (end == first.end) {  // no brief after the first: not a digest
      out.push_back(head);
      ++c;
      continue;
    }
    // The label opens the digest; every headline line after it is a paragraph of its text.
    out.push_back(choice{head.first, label + 1, action::open, head.score});
    for (std::size_t u = label + 1; u < head.end; ++u) out.push_back(choice{u, u + 1, action::body, 0});
    push_as_text(c + 1, end, out);
    c = end;
  }
  choices_.swap(out);
}

}  // namespace broadsheet::pipeline
