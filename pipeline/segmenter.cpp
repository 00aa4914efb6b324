#include "pipeline/segmenter.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>
#include <string_view>

#include "pipeline/evidence.h"
#include "pipeline/internal/segmenter_reader.h"
#include "pipeline/internal/segmenter_weights.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;
using internal::W;

namespace {

// "务，加快补齐…", "，使世界…": a text whose first clause is a word's end, cut off by the page break.
bool starts_mid_sentence(std::string_view t) {
  std::size_t i = 0;
  for (int n = 0; n < 3 && i < t.size(); ++n) {
    const char32_t c = next_code_point(t, i);
    if (c == 0xFF0C || c == 0x3001 || c == 0xFF1B || c == 0x3002 || c == ',' || c == ';' || c == 0x201D) return true;
  }
  return false;
}

}  // namespace

segmented_page segmenter::reader::read(const std::vector<paragraph>& ps,
                                       const std::vector<std::string>& default_photographers, bool explain) {
  ps_ = &ps;
  default_photographers_ = &default_photographers;
  explain_ = explain;
  std::size_t bytes = 0;
  for (const auto& p : ps) bytes += p.text.size();
  words_.start_page(bytes);
  facts_.clear();
  trace_.clear();
  titled_ = closes_ = 0;
  for (const auto& p : ps) facts_.push_back(facts_of(p));
  close_cost_ = 0;
  place_paragraphs(false);
  judge();
  choose();
  // A headline over photos whose text, after the captions, starts with a dateline is the
  // photos' title where titles follow their text, and that text's title where titles come
  // first (the photos were set between a headline and its story): read the page again so.
  if (places_photo_title_over_dated_text() && !titles_after()) {
    trace_.clear();
    place_paragraphs(true);
    judge();
    choose();
  }
  // A page sets its titles one way. Where few of the chosen titles close the story before
  // them, the page sets its titles first, and those few were read against it: choose again,
  // with closing at a cost.
  if (few_titles_close()) {
    trace_.clear();
    close_cost_ = W.close_against_page;
    choose();
  }
  segmented_page page;
  page.items = build();
  page.layout = closes_ * 2 > titled_ ? page_layout::titles_after : page_layout::titles_before;
  page.trace = std::move(trace_);
  return page;
}

// --- 3. the page-level choice -----------------------------------------------------------------

// What ending story s costs: nothing for a titled one.
double segmenter::reader::untitled_cost(story s) {
  return s == story::untitled ? W.untitled_story : s == story::dated ? W.untitled_dated : 0;
}

segmenter::reader::title_sides segmenter::reader::sides_chosen() const {
  title_sides sides;
  for (const auto& c : choices_) {
    sides.opens += c.act == action::open ? 1 : 0;
    sides.closes += c.act == action::close ? 1 : 0;
  }
  return sides;
}

// Most of the page's headlines, as chosen, close the story before them.
bool segmenter::reader::titles_after() const {
  const title_sides sides = sides_chosen();
  return sides.closes * 2 > sides.opens + sides.closes;
}

// Some of the page's headlines, as chosen, close the story before them, but fewer than a third.
bool segmenter::reader::few_titles_close() const {
  const title_sides sides = sides_chosen();
  return sides.closes > 0 && sides.closes * 2 < sides.opens;
}

// The evidence of the page's units as read: every headline run judged, the anchors noted.
void segmenter::reader::judge() {
  const std::size_t n = units_.size();
  words_.start_reading(ps(), facts_, units_);
  // runs_[run_first_[i] + r]: units [i, i + r + 1) as a headline run, r < runs_at(i).
  last_break_.assign(n, npos);
  for (std::size_t u = 0; u < n; ++u) {
    const bool breaks = dated(u) || uf(u).closing || uf(u).note;
    last_break_[u] = breaks ? u : u > 0 ? last_break_[u - 1] : npos;
  }
  runs_.clear();
  anchors_.clear();
  run_first_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    run_first_[i] = runs_.size();
    for (std::size_t j = i; j < n && groupable(j) && j - i < max_run; ++j) runs_.push_back(judge_run(i, j + 1));
    note_anchor(i);
  }
  run_first_[n] = runs_.size();
}

// Dynamic programming over the units: best[u][s] is the best score of a reading of units
// [0, u) that leaves the page in state s; every choice moves from u to the end of what it
// covers.
void segmenter::reader::choose() {
  const std::size_t n = units_.size();
  best_.assign(n + 1, std::array<step, story_states>{});
  auto& best = best_;
  best[0][state_of(story::none, false)].score = 0;
  // Whether a choice beats the best reading of its entry so far is a coin toss the processor
  // cannot predict: the entry is rewritten either way, its link by a mask and its score by a
  // maximum (GCC makes a conditional select of them a branch).
  auto relax = [&](std::size_t from, std::size_t s, std::size_t to, std::size_t t, action a, double score) {
    const double total = best[from][s].score + score;
    step& slot = best[to][t];
    const std::uint64_t keep = std::uint64_t{0} - static_cast<std::uint64_t>(!(total > slot.score));
    slot.link = (slot.link & keep) | (step::link_of(from, s, a) & ~keep);
    slot.score = std::max(slot.score, total);
  };
  // What ending each state's story costs, looked up instead of told by branches.
  std::array<double, story_states> ends{};
  for (std::size_t si = 0; si < story_states; ++si) ends[si] = untitled_cost(story_of(si));
  for (std::size_t u = 0; u < n; ++u) {
    const double cut = cut_score(u);
    const double drop = drop_score(u);
    const bool continued = cut > -inf && continued_at(u);
    // A list's own heading inside a story ("…名单" above the names): what follows is a notice's list.
    const bool list_heading = uf(u).heading_like && names_notice(ut(u));
    // An untitled story that starts here: a dated one when its first text is a dateline, a
    // continued one (titled elsewhere) when the page starts in the middle of a sentence.
    const story starts = dated(u)                               ? story::dated
                         : u == 0 && starts_mid_sentence(ut(0)) ? story::titled
                                                                : story::untitled;
    for (std::size_t si = 0; si < story_states; ++si) {
      if (best[u][si].score == -inf) continue;
      const story s = story_of(si);
      const bool notice = notice_of(si);
      const double untitled_ends = ends[si];
      // Body text of the current story, or the first text of an untitled one. A byline line under
      // a headline is no text: the story still has none.
      const story after_body = s == story::heading ? (uf(u).byline_line ? story::heading : story::titled)
                               : s == story::none  ? starts
                                                   : s;
      // A subtitle right under a headline is part of the headline's run, never its text.
      if (s != story::heading || !uf(u).subtitle) {
        relax(u, si, u + 1, state_of(after_body, notice || list_heading), action::body, 0);
      }
      if (cut > -inf && (untitled(s) || s == story::titled)) {
        // A continued story's headline is on another page: it is not untitled.
        const story next = continued ? story::titled : starts;
        relax(u, si, u + 1, state_of(next, false), action::cut, cut + untitled_ends);
      }
      if (drop > -inf) relax(u, si, u + 1, si, action::drop, drop);
      for (std::size_t r = 0, runs = runs_at(u); r < runs; ++r) {
        const run_evidence& e = run(u, r);
        if (e.title == npos) continue;
        const std::size_t end = u + r + 1;
        // Inside a notice, only a headline with strong evidence of its own starts a story.
        const double in_notice = notice && !e.strong ? W.inside_notice : 0;
        // A "……——" kicker begins a headline: right after another one too (a head over reports).
        if (s != story::heading || uf(u).dash_kicker) {
          relax(u, si, end, state_of(story::heading, e.notice), action::open, e.open + untitled_ends + in_notice);
        }
        if (untitled(s)) relax(u, si, end, state_of(story::none, false), action::close, e.close + close_cost_);
      }
    }
  }
  // The page ends: an untitled story costs, a headline without text cannot stand.
  double best_score = -inf;
  std::size_t last = 0;
  for (std::size_t si = 0; si < story_states; ++si) {
    double score = best[n][si].score;
    if (score == -inf) continue;
    score += untitled_cost(story_of(si));
    if (story_of(si) == story::heading) score += W.untitled_story * 2;
    if (score > best_score) {
      best_score = score;
      last = si;
    }
  }
  // Walk back.
  choices_.clear();
  std::size_t at = n;
  std::size_t s = last;
  while (at > 0) {
    const step& st = best[at][s];
    choices_.push_back(choice{st.from(), at, st.act(), st.score - best[st.from()][st.from_state()].score});
    at = st.from();
    s = st.from_state();
  }
  std::reverse(choices_.begin(), choices_.end());
  group_digests();
  group_reports();
  if (explain_) explain();
}

// The best-scoring run starting at unit i is an anchor when it opens a story more surely than
// it closes one and scores at least W.anchor_open: the runs after it are compared with it.
void segmenter::reader::note_anchor(std::size_t i) {
  double top = -inf;
  std::size_t top_end = npos;
  for (std::size_t r = run_first_[i]; r < runs_.size(); ++r) {
    const run_evidence& e = runs_[r];
    if (e.title != npos && e.open > top && e.open >= e.close) {
      top = e.open;
      top_end = i + (r - run_first_[i]) + 1;
    }
  }
  if (top >= W.anchor_open) anchors_.emplace_back(i, top_end);
}

void segmenter::reader::explain() {
  // Every headline run considered, with the scores of its readings.
  for (std::size_t i = 0; i + 1 < run_first_.size(); ++i) {
    for (std::size_t r = 0; r < runs_at(i); ++r) {
      const run_evidence& e = run(i, r);
      if (e.title == npos) continue;
      char scores[64];
      std::snprintf(scores, sizeof scores, "open=%.3f close=%.3f ", e.open, e.close);
      trace_.push_back(segment_trace_entry{units_[i], units_[i + r], "considered", e.boundary, scores + e.explained});
    }
  }
  for (const auto& c : choices_) {
    if (c.act == action::body && !groupable(c.first)) continue;
    std::string evidence;
    if (c.act == action::open || c.act == action::close) evidence = run(c.first, c.end - c.first - 1).explained;
    static constexpr std::array<const char*, 5> names{"body", "cut", "open", "close", "drop"};
    trace_.push_back(segment_trace_entry{units_[c.first], units_[c.end - 1], names[static_cast<std::size_t>(c.act)],
                                         c.score, std::move(evidence)});
  }
}

bool is_section_label(std::string_view t) noexcept {
  static constexpr std::array<std::string_view, 18> labels{
      "政务要闻", "要闻",     "时政要闻", "本地新闻", "综合新闻", "社会新闻", "国内新闻", "国际新闻", "经济新闻",
      "县区新闻", "民生新闻", "文体新闻", "专版",     "专刊",     "副刊",     "理论",     "评论",     "时评"};
  return std::find(labels.begin(), labels.end(), t) != labels.end();
}

segmenter::segmenter(std::size_t section_bytes)
    : reader_(std::make_unique<reader>()), section_bytes_(std::max<std::size_t>(section_bytes, 1)) {}
segmenter::~segmenter() = default;
segmenter::segmenter(segmenter&&) noexcept = default;
segmenter& segmenter::operator=(segmenter&&) noexcept = default;

segmented_page segmenter::segment(const std::vector<paragraph>& paragraphs,
                                  const std::vector<std::string>& default_photographers, bool explain) {
  std::size_t bytes = 0;
  for (const auto& p : paragraphs) bytes += p.text.size();
  if (bytes <= section_bytes_ && paragraphs.size() <= section_paragraphs) {
    return reader_->read(paragraphs, default_photographers, explain);
  }
  return read_in_sections(paragraphs, default_photographers, explain);
}

// Each section is read as a page. Its last story may go on past the section's end, so it is
// read again at the start of the next section, with the photos after its first paragraph; only
// a story that began in the section's first half (by bytes and by paragraphs) is cut where the
// section ends, so that every section moves the reading on by half a section or more.
segmented_page segmenter::read_in_sections(const std::vector<paragraph>& ps,
                                           const std::vector<std::string>& default_photographers, bool explain) {
  segmented_page page;
  std::size_t sections = 0, titles_after = 0;
  for (std::size_t start = 0; start < ps.size();) {
    std::size_t end = start, bytes = 0;
    while (end < ps.size() &&
           (end == start || (bytes + ps[end].text.size() <= section_bytes_ && end - start < section_paragraphs))) {
      bytes += ps[end++].text.size();
    }
    section_.assign(ps.begin() + static_cast<std::ptrdiff_t>(start), ps.begin() + static_cast<std::ptrdiff_t>(end));
    segmented_page part = reader_->read(section_, default_photographers, explain);
    const std::vector<std::size_t>& starts = reader_->item_starts();
    std::size_t keep = part.items.size(), next = end;
    if (end < ps.size()) {
      std::size_t last = keep;
      while (last > 0 && part.items[last - 1].kind == item_kind::photo) --last;
      if (last > 0) {
        std::size_t before = 0;  // the section's bytes before its last story
        for (std::size_t k = 0; k < starts[last - 1]; ++k) before += section_[k].text.size();
        if (2 * before >= bytes || 2 * starts[last - 1] >= end - start) {
          keep = last - 1;
          next = start + starts[last - 1];
        }
      }
    }
    std::move(part.items.begin(), part.items.begin() + static_cast<std::ptrdiff_t>(keep), std::back_inserter(page.items));
    for (auto& t : part.trace) {
      if (start + t.first >= next) continue;
      t.first += start;
      t.last += start;
      page.trace.push_back(std::move(t));
    }
    ++sections;
    titles_after += part.layout == page_layout::titles_after ? 1 : 0;
    start = next;
  }
  page.layout = titles_after * 2 > sections ? page_layout::titles_after : page_layout::titles_before;
  return page;
}

segmented_page segment(const std::vector<paragraph>& paragraphs, const std::vector<std::string>& default_photographers,
                       bool explain) {
  return segmenter().segment(paragraphs, default_photographers, explain);
}

}  // namespace broadsheet::pipeline
