// segmenter::reader, 2. evidence about runs of units: which line of a run is its title, what
// speaks for reading a run as the headline of the story after it or before it (judge_run), and
// for a paragraph starting a story without a headline (cut_score) (segmenter_reader.h).
#include <algorithm>
#include <cstdio>
#include <string_view>

#include "pipeline/internal/segmenter_reader.h"
#include "pipeline/internal/segmenter_weights.h"

namespace broadsheet::pipeline {

using internal::parallel_window;
using internal::W;

namespace {

// Whether a headline line repeats the line above it before a colon: "甲" then "甲：乙".
bool repeats_kicker(std::string_view kicker, std::string_view title) {
  if (kicker.size() < 6 || !title.starts_with(kicker)) return false;
  const std::string_view rest = title.substr(kicker.size());
  return rest.starts_with("：") || rest.starts_with(':');
}

}  // namespace

bool segmenter::reader::photo_between(std::size_t u) const {
  if (u == 0 || u >= units_.size()) return false;
  for (std::size_t k = units_[u - 1] + 1; k < units_[u]; ++k) {
    if (places_[k] == place::caption || places_[k] == place::photo_title) return true;
  }
  return false;
}

// The title line of units [i, j), never a line ending with a colon (it leads into what follows: a
// kicker, a list's intro) or one starting with a bullet ("■", "●": a summary's point, a
// sidebar's label): the last headline line before the first subtitle; else the
// last one ending with a column tag; else the last headline line that is not a label of up
// to six characters (a column label such as "街坊故事" may follow the title; a title of seven or
// eight is often under its kicker); else the last headline line. npos when the run has no
// headline line.
std::size_t segmenter::reader::title_of(std::size_t i, std::size_t j) const {
  std::size_t first_sub = j;
  for (std::size_t k = i; k < j; ++k) {
    if (uf(k).subtitle) {
      first_sub = k;
      break;
    }
  }
  std::size_t last = npos, last_full = npos, tagged = npos;
  for (std::size_t k = i; k < first_sub; ++k) {
    if (!uf(k).heading_like || uf(k).subtitle) continue;
    if (uf(k).dash_kicker && k + 1 < first_sub) continue;  // leads into the line under it
    if (ends_with_colon(ut(k))) continue;                  // leads into what follows: a kicker, a list's intro
    if (uf(k).bulleted) continue;                          // a summary's point, a sidebar's label
    last = k;
    if (!uf(k).label_like || uf(k).chars > 6) last_full = k;
    if (uf(k).column_tag) tagged = k;  // a column tag ends a title: what follows is a label
  }
  if (first_sub < j && last != npos) return last;
  if (tagged != npos) return tagged;
  return last_full != npos ? last_full : last;
}

// Where the story holding unit i - 1 starts (its lead): the text run back to a dateline at the
// latest, read across its subheads.
std::size_t segmenter::reader::run_start(std::size_t i) {
  std::size_t s = i;
  while (s > 0 && (is_text(s - 1) || (s < i && subhead_between(s - 1)))) {
    --s;
    if (dated(s)) break;
  }
  return s;
}

// Whether unit u, a headline line set as a subhead (subhead_like) after text, is a subhead of
// that text: every run judged at u reads as body (none opens or closes a story by
// W.anchor_open), and the text on both sides shares its words (cohesion above
// W.story_left_share). A story's closing title, even one judged weakly, stands where the words
// change.
bool segmenter::reader::subhead_between(std::size_t u) {
  if (u == 0 || !is_text(u - 1) || uf(u).byline_line || !subhead_like(u)) return false;
  for (std::size_t r = run_first_[u]; r < run_first_[u + 1]; ++r) {
    if (std::max(runs_[r].open, runs_[r].close) >= W.anchor_open) return false;
  }
  return words_.cohesion(u, u + 1) > W.story_left_share;
}

// Whether the text before unit u > 0 signs off: a closing line or a note in brackets, an end
// mark (removed as furniture), a jump marker ("（下转A05版）") at its end or on a line of its
// own.
bool segmenter::reader::signed_off_before(std::size_t u) const {
  if (uf(u - 1).closing || uf(u - 1).note || uf(u).furniture_before > 0 ||
      uf(u - 1).jump_marker != std::string_view::npos) {
    return true;
  }
  for (std::size_t k = units_[u - 1] + 1; k < units_[u]; ++k) {
    if (places_[k] == place::marker && facts_[k].jump_marker == 0) return true;
  }
  return false;
}

// Whether unit v is set as a subhead: plain text follows it (no dateline, byline or other
// headline line).
bool segmenter::reader::subhead_like(std::size_t v) const {
  if (v + 1 >= units_.size() || !is_text(v + 1)) return false;
  const paragraph_facts& next = uf(v + 1);
  return !next.heading_like && !dated(v + 1) && !next.byline_line;
}

// Whether a subhead of the title's outline stands within parallel_window units of it, outside
// the run [i, j): the title is one of a text's subheads set in parallel.
bool segmenter::reader::parallel_to_title(std::size_t i, std::size_t j, std::size_t title) const {
  const std::size_t from = title > parallel_window ? title - parallel_window : 0;
  const std::size_t to = std::min(units_.size(), title + parallel_window + 1);
  for (std::size_t v = from; v < to; ++v) {
    if ((v < i || v >= j) && uf(v).heading_like && uf(v).outline == uf(title).outline && subhead_like(v)) return true;
  }
  return false;
}

// The share of the words of the headline of the story a run [i, j) would be in (the last
// anchor headline before it) found in the text after it; -1 when that is not known: no anchor,
// a dateline, closing line or note since the anchor's text began (another story may have
// started without a headline, or with one after its body), or no paragraph of text right after
// the run (a list goes on).
double segmenter::reader::story_words(std::size_t i, std::size_t j) {
  if (j == units_.size() || uf(j).chars <= 80) return -1;
  for (std::size_t a = anchors_.size(); a-- > 0;) {
    const auto [first, end] = anchors_[a];
    if (end > i) continue;
    if (last_break_[i - 1] != npos && last_break_[i - 1] > end) return -1;
    const topic_words::bag lead = words_.wide_lead_bag(j);
    return words_.shared_fraction(words_.headline_bag(first, end), lead);
  }
  return -1;
}

// The evidence about reading units [i, j) as one story's headline run.
segmenter::reader::run_evidence segmenter::reader::judge_run(std::size_t i, std::size_t j) {
  run_evidence e;
  e.title = title_of(i, j);
  if (e.title == npos) return e;
  // A "……——" kicker leads into the headline line under it: a run that ends there is half a
  // headline.
  if (uf(e.title).dash_kicker && j < units_.size() && uf(j).heading_like && !uf(j).byline_line) {
    e.title = npos;
    return e;
  }
  const paragraph_facts& tf = uf(e.title);
  bool byline = false, subtitle = false, parted = false;
  int headings = 0;
  // Two headlines read as one run: a headline line above a "——" kicker, not a label (a head over
  // reports, and the first report's); a headline line after a subtitle (the title closing a
  // story, then the next story's); a headline line between two byline lines, the second in the
  // run or right after it (each headline has its own).
  bool two_headlines = false;
  for (std::size_t k = i + 1; k <= j && k < units_.size() && !two_headlines; ++k) {
    const paragraph_facts &above = uf(k - 1), &f = uf(k);
    const bool in_run = k < j;
    two_headlines = (in_run && f.dash_kicker && above.heading_like && !above.label_like) ||
                    (in_run && above.subtitle && f.heading_like && !f.subtitle && !f.label_like) ||
                    (k >= i + 2 && f.byline_line && above.heading_like && uf(k - 2).byline_line);
  }
  for (std::size_t k = i; k < j; ++k) {
    // A byline line under the title, or under a label heading the run (a column compiled by a
    // reporter: "一周简讯" / "本报记者 甲" / title).
    byline = byline || (uf(k).byline_line && (k > e.title || (k > i && label_line(i))));
    parted = parted || uf(k).phrases_parted;
    // A "——" links the headline's parts: a subtitle after the title, a kicker before it or on
    // its line ("甲—— 乙"); so does a title that repeats the kicker above it before a colon
    // ("甲" / "甲：乙").
    subtitle = subtitle || uf(k).subtitle || (uf(k).dash_kicker && k < e.title) || uf(k).kicker_inline ||
               (k > i && repeats_kicker(ut(k - 1), ut(k)));
    headings += uf(k).heading_like && !uf(k).subtitle ? 1 : 0;
  }
  const bool at_start = i == 0, at_end = j == units_.size();
  const bool dateline_next = !at_end && dated(j);
  // A byline line right after the run opens the next story: the run closes the story before.
  const bool byline_next = !at_end && uf(j).byline_line.has_value();
  // The text after the run starts with its first numbered part ("一"), or with a summary's
  // bulleted point ("■…", not under a label such as a summary box's): a text begins there.
  const bool first_part_next = !at_end && (uf(j).first_part || (uf(j).bulleted && is_text(j) && !tf.label_like));
  bool dateline_near = false;
  for (std::size_t k = j + 1; !at_end && !dateline_next && k < std::min(j + 3, units_.size()) && is_text(k - 1); ++k) {
    dateline_near = is_text(k) && dated(k);
    if (dateline_near) break;
  }
  const bool md_top = tf.md_level == 1 || tf.md_level == 2, md_deep = tf.md_level >= 3;
  const bool closing_before = !at_start && signed_off_before(i);
  // Two or more blank lines that are not a photo's (text resumes after a photo with any gap).
  const bool gap_before = !at_start && uf(i).gap_before >= 2 && !photo_between(i);
  const bool gap_after = !at_end && uf(j).gap_before >= 2 && !photo_between(j);
  const bool photo_beside = (!at_start && photo_between(i)) || (!at_end && photo_between(j));
  const double length = std::clamp((static_cast<double>(tf.chars) - 10.0), -10.0, 13.0);
  // How much the headline shares with a text: the share of its title line's words or of all
  // its lines' words, whichever is larger (a label above the title dilutes the second, a
  // kicker may hold the words the title leaves out).
  // With one headline line, its words are all the run's.
  std::size_t lines = 0;  // headline lines whose words the run has (subtitles too)
  for (std::size_t k = i; k < j; ++k) lines += uf(k).heading_like ? 1 : 0;
  const topic_words::bag whole = lines >= 2 ? words_.headline_bag(i, j) : topic_words::bag{};
  const topic_words::bag title_line = words_.head_of(e.title);
  auto share = [&](topic_words::bag text) {
    const double title_share = words_.shared_fraction(title_line, text);
    return lines >= 2 ? std::max(title_share, words_.shared_fraction(whole, text)) : title_share;
  };
  const double next_lead = at_end ? 0 : share(words_.lead_bag(j));
  const double recent = at_start ? 0 : share(words_.tail_bag(i));
  // Only text before the run has a lead to own (after another headline line, run_start(i) is i).
  const double own_lead = at_start || !is_text(i - 1) ? 0 : share(words_.lead_bag(run_start(i)));
  // A label above the kicker and title: the page's section, part of the headline.
  const bool label_first = uf(i).label_like && headings >= 2 && i < e.title;
  const bool notice = names_notice(ut(e.title));
  // Notices of one page share their issuers' and places' words whatever they announce.
  const double cohesion = at_start || at_end || notice ? 0 : words_.cohesion(i, j);
  const bool unfinished_before = !at_start && is_text(i - 1) && !uf(i - 1).sentence_end && !uf(i - 1).closing;
  // A cut sentence often has clause punctuation; a short title under a kicker often has too, two
  // phrases parted by a comma ("甲乙更准确，丙丁更贴心").
  const bool clause_title =
      ps()[units_[e.title]].clause_punctuation && !tf.column_tag && !byline && (headings < 2 || tf.chars > 12);

  // After a sign-off the story before has ended: subheads of the title's outline are its own.
  const bool parallel = subhead_like(j - 1) && !closing_before && parallel_to_title(i, j, e.title);
  const double story = story_words(i, j);
  const bool story_left = story >= 0 && story <= W.story_left_share;
  const bool enumerated = tf.enumerated;
  e.notice = notice;
  e.byline = byline;
  e.strong = dateline_next || byline || notice || tf.md_level == 1 || tf.md_level == 2;
  e.boundary = W.bias + W.notice_title * notice + W.enumerated * enumerated + W.dateline_next * dateline_next +
               W.dateline_near * dateline_near + W.byline * byline + W.subtitle * subtitle +
               W.kicker * (headings >= 2) + W.phrases_parted * parted + W.column_tag * tf.column_tag +
               W.markdown_top * md_top - W.markdown_top * md_deep + W.closing_before * closing_before +
               W.wide_gap * (gap_before || gap_after) + W.photo_beside * photo_beside + W.length * length +
               W.unfinished_before * unfinished_before + W.clause_title * clause_title + W.label_first * label_first +
               W.parallel * parallel + W.two_headlines * two_headlines;
  e.open = e.boundary + W.first_part_next * first_part_next + W.cohesion * cohesion + W.next_lead * next_lead +
           W.recent_text * recent + W.page_start * at_start + W.story_left * story_left;
  e.close = e.boundary + W.close_cohesion * cohesion + W.own_lead * own_lead + W.close_recent * recent + W.close_bias +
            W.byline * byline_next;
  if (explain_) {
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "title=%zu dateline_next=%d byline=%d subtitle=%d headings=%d tag=%d md=%d closing_before=%d "
        "gap_before=%d gap_after=%d chars=%zu next_lead=%.2f recent=%.2f own_lead=%.2f cohesion=%.3f "
        "unfinished_before=%d clause_title=%d byline_next=%d parted=%d parallel=%d story=%.2f first_part_next=%d",
        units_[e.title], dateline_next, byline, subtitle, headings, tf.column_tag, tf.md_level, closing_before,
        gap_before, gap_after, tf.chars, next_lead, recent, own_lead, cohesion, unfinished_before, clause_title,
        byline_next, parted, parallel, story, first_part_next);
    e.explained = buf;
  }
  return e;
}

// The first headline run after unit u: [first, end), or first == npos when none follows.
std::pair<std::size_t, std::size_t> segmenter::reader::next_run_after(std::size_t u) const {
  std::size_t i = u;
  while (i < units_.size() && !groupable(i)) ++i;
  if (i == units_.size()) return {npos, npos};
  std::size_t j = i;
  while (j < units_.size() && groupable(j) && j - i < max_run) ++j;
  return {i, j};
}

// Whether a continuation marker ("（上接A01版①）") opens unit u: its story's headline is on
// another page.
bool segmenter::reader::continued_at(std::size_t u) const {
  if (uf(u).continuation) return true;
  for (std::size_t k = u > 0 ? units_[u - 1] + 1 : 0; k < units_[u]; ++k) {
    if (places_[k] == place::marker && facts_[k].continuation) return true;
  }
  return false;
}

double segmenter::reader::cut_score(std::size_t u) {
  if (u == 0) return -inf;
  const paragraph_facts& f = uf(u);
  const bool closing_before = signed_off_before(u);
  // A marker right after a headline continues that headline's story ("标题 / （上接A01版①） / …").
  const bool continuation = continued_at(u) && is_text(u - 1);
  // A paragraph with a cue of its own may start a story without a headline before it; one
  // without, only at a cost that a title after its text must repay (a page that mixes titles
  // before and after their text: a titled story, then one whose title follows it).
  const bool cue = dated(u) || closing_before || continuation || f.gap_before >= 2;
  // A story whose headline follows its body: its lead holds the headline's words.
  const auto [first, end] = next_run_after(u);
  const double names_next =
      first == npos ? 0 : words_.shared_fraction(words_.headline_bag(first, end), words_.lead_bag(u));
  const double cohesion = is_text(u - 1) ? words_.cohesion(u, u) : 0;
  return W.cut_bias + W.cut_dateline * dated(u) + W.cut_closing_before * closing_before +
         W.wide_gap * (f.gap_before >= 2) + W.cut_continuation * continuation + W.cut_names_next * names_next +
         W.cut_cohesion * cohesion + W.cut_uncued * !cue;
}

double segmenter::reader::drop_score(std::size_t u) const {
  const bool at_end = u + 1 == units_.size();
  return uf(u).label_like && at_end && !uf(u).byline_line ? W.drop_label_at_end : -inf;
}

}  // namespace broadsheet::pipeline
