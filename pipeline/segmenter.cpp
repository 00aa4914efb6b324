#include "pipeline/segmenter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_set>

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/evidence.h"
#include "pipeline/internal/hash.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/page_cleaner.h"

namespace broadsheet::pipeline {

using internal::next_code_point;

namespace {

// --- the evidence weights -------------------------------------------------------------------
//
// Each reading of a run of headline lines is scored against reading them as body text (score 0):
// a positive score says the evidence favours the reading. A story that ends without a title
// costs untitled_story. The weights are log-odds-like: 3 is strong evidence, 1 is a hint.
struct weights {
  // Evidence that a run of headline lines is a story's headline, whichever side its story is on.
  double dateline_next = 5.0;   // the text after it starts with a dateline
  double dateline_near = 0.75;  // or one of the two paragraphs after that one does (after a summary)
  double byline = 2.25;         // it holds a byline line ("本报记者 甲")
  double subtitle = 2.25;       // it holds a "——" subtitle, or a kicker ending in "——"
  double kicker = 0.05;         // two or more headline lines
  double phrases_parted = 3.0;  // a headline line's phrases are parted by a space
  double column_tag = 3.4;      // the title ends with a bracketed column tag
  double markdown_top = 4.0;    // "#"/"##" title; "###" and deeper count against (subheads)
  double closing_before = 3.0;  // the text before it signs off ("（本报北京电）", "（作者为…）", an end mark)
  double wide_gap = 3.0;         // two or more blank lines beside it
  double photo_beside = 3.0;         // a photo right before or after it
  double length = 0.15;              // per character of the title beyond 10 (clamped)
  double cohesion = -12.0;           // (opening) per unit of shared bigrams between the text before and after
  double unfinished_before = -0.75;  // the text just before it stops mid-sentence
  double clause_title = -1.125;      // the title has clause punctuation (a cut sentence often has)
  double label_first = 0.5;          // a section label above the kicker and title
  double parallel = -3.0;            // a headline line of the same outline nearby: subheads set in parallel
  double notice_title = 2.0;         // the title names a notice ("…公告", "…名单", "光荣榜")
  double enumerated = -4.0;          // the title is numbered ("一、…", "（二）…"): a section of a text
  double inside_notice = -3.0;       // inside a notice (its lists look like headlines), without strong evidence
  double bias = -2.0;
  // Which side its story is on.
  double next_lead = 1.25;       // share of the title's bigrams in the next story's lead
  double recent_text = -2.25;    // share in the text just before it (a subhead's neighbours)
  double page_start = 3.0;       // nothing before it: it opens the page's first story
  double own_lead = 2.25;        // (closing) share in the lead of the story before it
  double close_bias = 0.0;       // titles after their body are the rarer layout
  double close_cohesion = -6.0;  // (closing) per unit of shared bigrams between the text before and after
  double close_recent = -0.5;    // (closing) share in the text just before it: a sign-off, a subhead
  // (opening) The text after it leaves the words of the headline of the story it would be in
  // (story_words below): the story has ended.
  double story_left = 2.5;
  // A text paragraph that starts a story without a headline before it.
  double cut_dateline = 3.0;
  double cut_closing_before = 1.5;
  double cut_continuation = 6.0;  // "（上接A01版）" opens a story's continued part
  double cut_names_next = 3.0;    // share of the next headline run's words in the lead it starts
  double cut_cohesion = -6.0;     // per unit of shared bigrams between the text before and after
  double cut_bias = -2.5;
  // Furniture: a label-like line standing alone at the end of the page.
  double drop_label_at_end = 1.0;
  // A story with body text and no headline; less when it starts with a dateline, as a news item
  // printed without a headline does.
  double untitled_story = -4.5;
  double untitled_dated = -1.5;
};
constexpr weights W{};

// Units either side of a title searched for a headline line of the same outline.
constexpr std::size_t parallel_window = 8;
// A run whose opening scores at least this much (and more than its closing) is a headline that
// later runs are compared with (story_words).
constexpr double anchor_open = 1.0;
// At most this share of a story headline's bigrams in the text after a run: the text has left it.
constexpr double story_left_share = 0.06;

// "务，加快补齐…", "，使世界…": a text whose first clause is a word's end, cut off by the page break.
bool starts_mid_sentence(std::string_view t) {
  std::size_t i = 0;
  for (int n = 0; n < 3 && i < t.size(); ++n) {
    const char32_t c = next_code_point(t, i);
    if (c == 0xFF0C || c == 0x3001 || c == 0xFF1B || c == 0x3002 || c == ',' || c == ';' || c == 0x201D) return true;
  }
  return false;
}

bool is_announcement_title(std::string_view t) {
  if (t.size() < 6) return false;
  const std::string_view last_two = t.substr(t.size() - 6);
  static constexpr std::array<std::string_view, 8> words{"公示", "公告", "通告", "通知",
                                                         "启事", "声明", "讣告", "告示"};
  return std::find(words.begin(), words.end(), last_two) != words.end();
}

// A notice names itself at the end of its title: "…评审结果公示", "关于…的通知", "光荣榜".
bool is_notice_title(std::string_view t) {
  return is_announcement_title(t) || t.ends_with("名单") || t.ends_with("光荣榜");
}

// Where a paragraph goes before the page-level choice.
enum class place {
  unit,         // text, a headline line or a byline line: its role is chosen with the page's
  caption,      // a photo caption (an item of its own)
  photo_title,  // a headline printed with its photo
  credit,       // a photo credit line
  marker,       // a continuation or jump marker alone on its line
};

// What the page-level choice does with a unit (or a run of units starting there).
enum class action : std::uint8_t { body, cut, open, close, drop };

// The story being read at a point of the page.
enum class story : std::uint8_t {
  none,      // no story open (page start, or right after a closing headline)
  untitled,  // text so far, no headline
  dated,     // text so far, no headline, but it starts with a dateline: a news item of its own
  titled,    // a headline before, text after it
  heading,   // a headline before, no text yet
};
constexpr std::size_t stories = 5;
// The states of the page-level choice: the story, and whether its headline names a notice
// (whose lists of names and units look like headlines and are not).
constexpr std::size_t story_states = 2 * stories;
constexpr std::size_t state_of(story s, bool notice) { return static_cast<std::size_t>(s) + (notice ? stories : 0); }
constexpr story story_of(std::size_t state) { return static_cast<story>(state % stories); }
constexpr bool notice_of(std::size_t state) { return state >= stories; }
constexpr bool untitled(story s) { return s == story::untitled || s == story::dated; }

// Hashes a paragraph by its size and its first and last eight bytes, without a pass over the
// whole text: paragraphs of one item rarely share all three (equal hashes are compared whole).
struct paragraph_hash {
  std::size_t operator()(std::string_view s) const noexcept {
    constexpr std::size_t word = sizeof(std::uint64_t);
    std::uint64_t head = 0, tail = 0;
    std::memcpy(&head, s.data(), std::min(word, s.size()));
    if (s.size() > word) std::memcpy(&tail, s.data() + s.size() - word, word);
    return static_cast<std::size_t>(internal::mix64(head ^ internal::mix64(tail ^ s.size())));
  }
};

}  // namespace

// Reads one page after another; every buffer keeps its capacity from page to page.
class segmenter::reader {
 public:
  segmented_page read(const std::vector<paragraph>& ps, const std::vector<std::string>& default_photographers,
                      bool explain) {
    ps_ = &ps;
    default_photographers_ = &default_photographers;
    explain_ = explain;
    std::size_t bytes = 0;
    for (const auto& p : ps) bytes += p.text.size();
    topic_words_.start_page(bytes);
    facts_.clear();
    trace_.clear();
    titled_ = closes_ = 0;
    for (const auto& p : ps) facts_.push_back(facts_of(p));
    place_paragraphs(false);
    choose();
    // A headline over photos whose text, after the captions, starts with a dateline is the
    // photos' title where titles follow their text, and that text's title where titles come
    // first (the photos were set between a headline and its story): read the page again so.
    if (places_photo_title_over_dated_text() && !titles_after()) {
      trace_.clear();
      place_paragraphs(true);
      choose();
    }
    segmented_page page;
    page.items = build();
    page.layout = closes_ * 2 > titled_ ? page_layout::titles_after : page_layout::titles_before;
    page.trace = std::move(trace_);
    return page;
  }

 private:
  // --- 1. photos and markers ------------------------------------------------------------------

  // A caption: a credit at its end, a credit line right after it, an arrow before it, or a
  // sentence standing alone after a photo gap (three or more blank lines). A headline right
  // before a photo gap is the photo's title.
  void place_paragraphs(bool titles_over_photos) {
    places_.assign(ps().size(), place::unit);
    units_.clear();
    for (std::size_t k = 0; k < ps().size(); ++k) {
      const paragraph_facts& f = facts_[k];
      const std::string_view t = ps()[k].text;
      if (f.credit && f.credit->caption_end == 0) {
        places_[k] = place::credit;
        continue;
      }
      if (f.continuation && f.continuation->body_offset == t.size()) {
        places_[k] = place::marker;
        continue;
      }
      if (find_jump_marker(t) == 0) {
        places_[k] = place::marker;
        continue;
      }
      if (f.md_level > 0 || f.table_row || f.byline_line || f.subtitle) continue;
      const bool credit_next =
          k + 1 < ps().size() && facts_[k + 1].credit && facts_[k + 1].credit->caption_end == 0 && !f.byline_line;
      const bool inline_credit = f.credit && f.credit->caption_end > 0;
      const bool photo_gap = f.gap_before >= 3 && f.sentence_end && visible_chars_at_most(t, 250) && !f.closing;
      if (inline_credit || credit_next || f.caption_arrow || photo_gap) {
        places_[k] = place::caption;
        // A headline printed with its photo: before a photo gap, or on the caption's own line
        // before its arrow ("…（权威发布）⬅昨日，…", split by reflow at the arrow).
        const bool with_photo = f.gap_before >= 3 || (f.caption_arrow && f.gap_before == 0);
        if (k > 0 && places_[k - 1] == place::unit && facts_[k - 1].heading_like && facts_[k - 1].md_level == 0 &&
            !facts_[k - 1].subtitle && with_photo) {
          places_[k - 1] = place::photo_title;
        }
      }
    }
    for (std::size_t k = 0; titles_over_photos && k < ps().size(); ++k) {
      if (places_[k] == place::photo_title && dated_text_after_photos(k)) places_[k] = place::unit;
    }
    for (std::size_t k = 0; k < ps().size(); ++k) {
      if (places_[k] == place::unit) units_.push_back(k);
    }
  }

  // The first unit after the photo title k and the photos under it starts with a dateline.
  bool dated_text_after_photos(std::size_t k) const {
    std::size_t m = k + 1;
    while (m < ps().size() && places_[m] != place::unit) ++m;
    return m < ps().size() && facts_[m].dateline && !facts_[m].heading_like;
  }

  bool places_photo_title_over_dated_text() const {
    for (std::size_t k = 0; k < ps().size(); ++k) {
      if (places_[k] == place::photo_title && dated_text_after_photos(k)) return true;
    }
    return false;
  }

  // Most of the page's headlines, as chosen, close the story before them.
  bool titles_after() const {
    std::size_t opens = 0, closes = 0;
    for (const auto& c : choices_) {
      opens += c.act == action::open ? 1 : 0;
      closes += c.act == action::close ? 1 : 0;
    }
    return closes * 2 > opens + closes;
  }

  // --- 2. evidence about runs of units --------------------------------------------------------

  const paragraph_facts& uf(std::size_t u) const { return facts_[units_[u]]; }
  const std::vector<paragraph>& ps() const { return *ps_; }
  std::string_view ut(std::size_t u) const { return ps()[units_[u]].text; }
  // The words of a unit's text: without its dateline, whose issuer and brackets every story shares.
  std::string_view words_of(std::size_t u) const {
    const paragraph_facts& f = uf(u);
    return f.dateline ? ut(u).substr(f.dateline->body_offset) : ut(u);
  }

  // A unit that can be part of a headline run: a headline-like line or a byline line.
  bool groupable(std::size_t u) const { return uf(u).heading_like || uf(u).byline_line.has_value(); }
  bool is_text(std::size_t u) const { return !groupable(u); }

  // Something between unit u-1 and unit u that is not a unit (a photo, a marker, furniture).
  bool break_before(std::size_t u) const {
    if (u == 0) return false;
    return units_[u] != units_[u - 1] + 1 || uf(u).furniture_before > 0;
  }
  bool photo_between(std::size_t u) const {
    if (u == 0 || u >= units_.size()) return false;
    for (std::size_t k = units_[u - 1] + 1; k < units_[u]; ++k) {
      if (places_[k] == place::caption || places_[k] == place::photo_title) return true;
    }
    return false;
  }

  // The title line of units [i, j): the last headline line before the first subtitle; else the
  // last one ending with a column tag; else the last headline line that is not a label of up
  // to six characters (a column label such as "身边好人" may follow the title; a title of seven or
  // eight is often under its kicker); else the last headline line. npos when the run has no
  // headline line.
  std::size_t title_of(std::size_t i, std::size_t j) const {
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
      last = k;
      if (!uf(k).label_like || uf(k).chars > 6) last_full = k;
      if (uf(k).column_tag) tagged = k;  // a column tag ends a title: what follows is a label
    }
    if (first_sub < j && last != npos) return last;
    if (tagged != npos) return tagged;
    return last_full != npos ? last_full : last;
  }

  // Each unit's words are read when first asked for, and once: the bigrams of its first and of
  // its last lead_han Han characters (one bag for a shorter unit), and how many Han characters
  // it has. Only the units around headline runs and possible story starts ever are read.
  struct unit_words {
    topic_words::bag head, tail, wide;
    std::size_t han = 0;
  };

  topic_words::bag head_of(std::size_t u) {
    unit_words& w = words_[u];
    if (!w.head.exists()) w.head = topic_words_.head_of(words_of(u), lead_han, w.han);
    return w.head;
  }

  topic_words::bag tail_of(std::size_t u) {
    unit_words& w = words_[u];
    if (!w.tail.exists()) {
      const topic_words::bag head = head_of(u);
      w.tail = w.han < tail_han ? head : topic_words_.tail_of(words_of(u), tail_han);
    }
    return w.tail;
  }

  // The bigrams of the unit's first wide_han Han characters: nearly all of a paragraph.
  topic_words::bag wide_of(std::size_t u) {
    unit_words& w = words_[u];
    if (!w.wide.exists()) {
      const topic_words::bag head = head_of(u);
      std::size_t han = 0;
      w.wide = w.han < lead_han ? head : topic_words_.head_of(words_of(u), wide_han, han);
    }
    return w.wide;
  }

  std::size_t han_of(std::size_t u) {
    (void)head_of(u);
    return words_[u].han;
  }

  // The words of a headline run: its headline lines (kicker, title, subtitle), not its bylines.
  // Built once per run, from the run one line shorter.
  topic_words::bag headline_bag(std::size_t i, std::size_t j) {
    topic_words::bag& slot = headline_bags_[i * max_run + (j - i - 1)];
    if (slot.exists()) return slot;
    const topic_words::bag bag = topic_words_.new_bag();
    if (j - i >= 2) topic_words_.add(bag, headline_bag(i, j - 1));
    if (uf(j - 1).heading_like) topic_words_.add(bag, head_of(j - 1));
    return slot = bag;
  }

  using part_of = topic_words::bag (reader::*)(std::size_t);

  // The words of the text from unit j on, part(u) of each unit, until limit Han characters (or a
  // little more: whole units) are read; headline lines are skipped only at its start.
  topic_words::bag text_after(std::size_t j, std::size_t limit, part_of part) {
    const topic_words::bag bag = topic_words_.new_bag();
    std::size_t han = 0;
    for (std::size_t u = j; u < units_.size() && han < limit; ++u) {
      if (!is_text(u)) {
        if (u == j) continue;
        break;
      }
      topic_words_.add(bag, (this->*part)(u));
      han += han_of(u);
    }
    return bag;
  }

  // The same before unit i, read backwards; the headline lines right before i are skipped, as
  // text_after skips them after a run.
  topic_words::bag text_before(std::size_t i, std::size_t limit, part_of part) {
    const topic_words::bag bag = topic_words_.new_bag();
    std::size_t han = 0;
    std::size_t u = i;
    while (u > 0 && !is_text(u - 1)) --u;
    for (; u-- > 0 && han < limit;) {
      if (!is_text(u)) break;
      topic_words_.add(bag, (this->*part)(u));
      han += han_of(u);
    }
    return bag;
  }

  // The first lead_han Han characters of the text from unit j on (the lead after a headline run).
  topic_words::bag lead_bag(std::size_t j) {
    topic_words::bag& slot = lead_bags_[j];
    if (!slot.exists()) slot = text_after(j, lead_han, &reader::head_of);
    return slot;
  }

  // The last tail_han Han characters of the text before unit i.
  topic_words::bag tail_bag(std::size_t i) {
    topic_words::bag& slot = tail_bags_[i];
    if (!slot.exists()) slot = text_before(i, tail_han, &reader::tail_of);
    return slot;
  }

  // Whether the text on both sides of a boundary before unit j (i: where the headline run before
  // it starts, or j) is about the same things: the share of the bigrams of the wide_tail Han
  // characters before i found in the wide_lead characters from j on. Wider than the leads that
  // are matched against a headline's words: the words an article repeats are names and terms,
  // a few in a paragraph.
  double cohesion(std::size_t i, std::size_t j) {
    topic_words::bag& tail = wide_tails_[i];
    if (!tail.exists()) tail = text_before(i, wide_tail, &reader::wide_of);
    topic_words::bag& lead = wide_leads_[j];
    if (!lead.exists()) lead = text_after(j, wide_lead, &reader::wide_of);
    return topic_words_.shared_fraction(tail, lead);
  }

  // Where the text run holding unit u - 1 starts (its lead), at a dateline at the latest.
  std::size_t run_start(std::size_t i) const {
    std::size_t s = i;
    while (s > 0 && is_text(s - 1)) {
      --s;
      if (uf(s).dateline) break;
    }
    return s;
  }

  // Whether the text before unit u > 0 signs off: a closing line or a note in brackets, an end
  // mark (removed as furniture), a jump marker ("（下转A05版）") at its end or on a line of its
  // own.
  bool signed_off_before(std::size_t u) const {
    if (uf(u - 1).closing || uf(u - 1).note || uf(u).furniture_before > 0 ||
        find_jump_marker(ut(u - 1)) != std::string_view::npos) {
      return true;
    }
    for (std::size_t k = units_[u - 1] + 1; k < units_[u]; ++k) {
      if (places_[k] == place::marker && find_jump_marker(ps()[k].text) == 0) return true;
    }
    return false;
  }

  // Whether unit v is set as a subhead: plain text follows it (no dateline, byline or other
  // headline line).
  bool subhead_like(std::size_t v) const {
    if (v + 1 >= units_.size() || !is_text(v + 1)) return false;
    const paragraph_facts& next = uf(v + 1);
    return !next.heading_like && !next.dateline && !next.byline_line;
  }

  // Whether a subhead of the title's outline stands within parallel_window units of it, outside
  // the run [i, j): the title is one of a text's subheads set in parallel.
  bool parallel_to_title(std::size_t i, std::size_t j, std::size_t title) const {
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
  double story_words(std::size_t i, std::size_t j) {
    if (j == units_.size() || uf(j).chars <= 80) return -1;
    for (std::size_t a = anchors_.size(); a-- > 0;) {
      const auto [first, end] = anchors_[a];
      if (end > i) continue;
      if (last_break_[i - 1] != npos && last_break_[i - 1] > end) return -1;
      topic_words::bag& lead = wide_leads_[j];
      if (!lead.exists()) lead = text_after(j, wide_lead, &reader::wide_of);
      return topic_words_.shared_fraction(headline_bag(first, end), lead);
    }
    return -1;
  }

  struct run_evidence {
    std::size_t title = npos;
    double boundary = 0, open = 0, close = 0;
    bool notice = false;  // the title names a notice
    bool strong = false;  // a dateline or byline follows, or a markdown title, or a notice's title
    std::string explained;
  };

  // The evidence about reading units [i, j) as one story's headline run.
  run_evidence judge_run(std::size_t i, std::size_t j) {
    run_evidence e;
    e.title = title_of(i, j);
    if (e.title == npos) return e;
    const paragraph_facts& tf = uf(e.title);
    bool byline = false, subtitle = false, parted = false;
    int headings = 0;
    for (std::size_t k = i; k < j; ++k) {
      byline = byline || (uf(k).byline_line && k > e.title);
      parted = parted || uf(k).phrases_parted;
      // A "——" links the headline's parts: a subtitle after the title, a kicker before it.
      subtitle = subtitle || uf(k).subtitle || (uf(k).dash_kicker && k < e.title);
      headings += uf(k).heading_like && !uf(k).subtitle ? 1 : 0;
    }
    const bool at_start = i == 0, at_end = j == units_.size();
    const bool dateline_next = !at_end && uf(j).dateline.has_value();
    // A byline line right after the run opens the next story: the run closes the story before.
    const bool byline_next = !at_end && uf(j).byline_line.has_value();
    bool dateline_near = false;
    for (std::size_t k = j + 1; !at_end && !dateline_next && k < std::min(j + 3, units_.size()) && is_text(k - 1);
         ++k) {
      dateline_near = is_text(k) && uf(k).dateline.has_value();
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
    const topic_words::bag whole = lines >= 2 ? headline_bag(i, j) : topic_words::bag{};
    const topic_words::bag title_line = head_of(e.title);
    auto share = [&](topic_words::bag text) {
      const double title_share = topic_words_.shared_fraction(title_line, text);
      return lines >= 2 ? std::max(title_share, topic_words_.shared_fraction(whole, text)) : title_share;
    };
    const double next_lead = at_end ? 0 : share(lead_bag(j));
    const double recent = at_start ? 0 : share(tail_bag(i));
    const double own_lead = at_start ? 0 : share(lead_bag(run_start(i)));
    // A label above the kicker and title: the page's section, part of the headline.
    const bool label_first = uf(i).label_like && headings >= 2 && i < e.title;
    const double cohesion = at_start || at_end ? 0 : this->cohesion(i, j);
    const bool unfinished_before = !at_start && is_text(i - 1) && !uf(i - 1).sentence_end && !uf(i - 1).closing;
    const bool clause_title = ps()[units_[e.title]].clause_punctuation && !tf.column_tag;

    const bool parallel = subhead_like(j - 1) && parallel_to_title(i, j, e.title);
    const double story = story_words(i, j);
    const bool story_left = story >= 0 && story <= story_left_share;
    const bool notice = is_notice_title(ut(e.title));
    const bool enumerated = tf.enumerated;
    e.notice = notice;
    e.strong = dateline_next || byline || notice || tf.md_level == 1 || tf.md_level == 2;
    e.boundary = W.bias + W.notice_title * notice + W.enumerated * enumerated + W.dateline_next * dateline_next +
                 W.dateline_near * dateline_near + W.byline * byline + W.subtitle * subtitle +
                 W.kicker * (headings >= 2) + W.phrases_parted * parted + W.column_tag * tf.column_tag +
                 W.markdown_top * md_top - W.markdown_top * md_deep + W.closing_before * closing_before +
                 W.wide_gap * (gap_before || gap_after) + W.photo_beside * photo_beside + W.length * length +
                 W.unfinished_before * unfinished_before + W.clause_title * clause_title + W.label_first * label_first +
                 W.parallel * parallel;
    e.open = e.boundary + W.cohesion * cohesion + W.next_lead * next_lead + W.recent_text * recent +
             W.page_start * at_start + W.story_left * story_left;
    e.close = e.boundary + W.close_cohesion * cohesion + W.own_lead * own_lead + W.close_recent * recent +
              W.close_bias + W.byline * byline_next;
    if (explain_) {
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "title=%zu dateline_next=%d byline=%d subtitle=%d headings=%d tag=%d md=%d closing_before=%d "
                    "gap_before=%d gap_after=%d chars=%zu next_lead=%.2f recent=%.2f own_lead=%.2f cohesion=%.3f "
                    "unfinished_before=%d clause_title=%d byline_next=%d parted=%d parallel=%d story=%.2f",
                    units_[e.title], dateline_next, byline, subtitle, headings, tf.column_tag, tf.md_level,
                    closing_before, gap_before, gap_after, tf.chars, next_lead, recent, own_lead, cohesion,
                    unfinished_before, clause_title, byline_next, parted, parallel, story);
      e.explained = buf;
    }
    return e;
  }

  // The first headline run after unit u: [first, end), or first == npos when none follows.
  std::pair<std::size_t, std::size_t> next_run_after(std::size_t u) const {
    std::size_t i = u;
    while (i < units_.size() && !groupable(i)) ++i;
    if (i == units_.size()) return {npos, npos};
    std::size_t j = i;
    while (j < units_.size() && groupable(j) && j - i < max_run) ++j;
    return {i, j};
  }

  // Whether a continuation marker ("（上接A01版①）") opens unit u: its story's headline is on
  // another page.
  bool continued_at(std::size_t u) const {
    if (uf(u).continuation) return true;
    for (std::size_t k = u > 0 ? units_[u - 1] + 1 : 0; k < units_[u]; ++k) {
      if (places_[k] == place::marker && facts_[k].continuation) return true;
    }
    return false;
  }

  double cut_score(std::size_t u) {
    if (u == 0) return -inf;
    const paragraph_facts& f = uf(u);
    const bool closing_before = signed_off_before(u);
    // A marker right after a headline continues that headline's story ("标题 / （上接A01版①） / …").
    const bool continuation = continued_at(u) && is_text(u - 1);
    // Only a paragraph with a cue of its own may start a story without a headline before it.
    const bool cue = f.dateline || closing_before || continuation || f.gap_before >= 2;
    if (!cue) return -inf;
    // A story whose headline follows its body: its lead holds the headline's words.
    const auto [first, end] = next_run_after(u);
    const double names_next = first == npos ? 0 : topic_words_.shared_fraction(headline_bag(first, end), lead_bag(u));
    const double cohesion = is_text(u - 1) ? this->cohesion(u, u) : 0;
    return W.cut_bias + W.cut_dateline * f.dateline.has_value() + W.cut_closing_before * closing_before +
           W.wide_gap * (f.gap_before >= 2) + W.cut_continuation * continuation + W.cut_names_next * names_next +
           W.cut_cohesion * cohesion;
  }

  double drop_score(std::size_t u) const {
    const bool at_end = u + 1 == units_.size();
    return uf(u).label_like && at_end && !uf(u).byline_line ? W.drop_label_at_end : -inf;
  }

  // --- 3. the page-level choice ---------------------------------------------------------------

  // What ending story s costs: nothing for a titled one.
  static double untitled_cost(story s) {
    return s == story::untitled ? W.untitled_story : s == story::dated ? W.untitled_dated : 0;
  }

  struct step {
    double score = -inf;
    std::size_t from = npos;  // unit index the choice started at
    std::size_t from_state = 0;
    action act = action::body;
    std::size_t end = 0;  // one past the last unit the choice covers
  };

  // Dynamic programming over the units: best[u][s] is the best score of a reading of units
  // [0, u) that leaves the page in state s; every choice moves from u to the end of what it
  // covers.
  void choose() {
    const std::size_t n = units_.size();
    words_.assign(n, unit_words{});
    lead_bags_.assign(n + 1, topic_words::bag{});
    tail_bags_.assign(n + 1, topic_words::bag{});
    wide_leads_.assign(n + 1, topic_words::bag{});
    wide_tails_.assign(n + 1, topic_words::bag{});
    headline_bags_.assign(n * max_run, topic_words::bag{});
    best_.assign(n + 1, std::array<step, story_states>{});
    auto& best = best_;
    best[0][state_of(story::none, false)].score = 0;
    auto relax = [&](std::size_t from, std::size_t s, std::size_t to, std::size_t t, action a, double score) {
      const double total = best[from][s].score + score;
      step& slot = best[to][t];
      if (total > slot.score) slot = step{total, from, s, a, to};
    };
    // runs_[run_first_[i] + r]: units [i, i + r + 1) as a headline run, r < runs_at(i).
    last_break_.assign(n, npos);
    for (std::size_t u = 0; u < n; ++u) {
      const bool breaks = uf(u).dateline || uf(u).closing || uf(u).note;
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
    for (std::size_t u = 0; u < n; ++u) {
      const double cut = cut_score(u);
      const double drop = drop_score(u);
      const bool continued = cut > -inf && continued_at(u);
      // A list's own heading inside a story ("…名单" above the names): what follows is a notice's list.
      const bool list_heading = uf(u).heading_like && is_notice_title(ut(u));
      // An untitled story that starts here: a dated one when its first text is a dateline, a
      // continued one (titled elsewhere) when the page starts in the middle of a sentence.
      const story starts = uf(u).dateline                         ? story::dated
                           : u == 0 && starts_mid_sentence(ut(0)) ? story::titled
                                                                  : story::untitled;
      for (std::size_t si = 0; si < story_states; ++si) {
        if (best[u][si].score == -inf) continue;
        const story s = story_of(si);
        const bool notice = notice_of(si);
        const double untitled_ends = untitled_cost(s);
        // Body text of the current story, or the first text of an untitled one.
        const story after_body = s == story::heading ? story::titled : s == story::none ? starts : s;
        relax(u, si, u + 1, state_of(after_body, notice || list_heading), action::body, 0);
        if (cut > -inf && (untitled(s) || s == story::titled)) {
          // A continued story's headline is on another page: it is not untitled.
          const story next = continued ? story::titled : starts;
          relax(u, si, u + 1, state_of(next, false), action::cut, cut + untitled_ends);
        }
        if (drop > -inf) relax(u, si, u + 1, si, action::drop, drop);
        for (std::size_t r = 0; r < runs_at(u); ++r) {
          const run_evidence& e = run(u, r);
          if (e.title == npos) continue;
          const std::size_t end = u + r + 1;
          // Inside a notice, only a headline with strong evidence of its own starts a story.
          const double in_notice = notice && !e.strong ? W.inside_notice : 0;
          if (s != story::heading) {
            relax(u, si, end, state_of(story::heading, e.notice), action::open, e.open + untitled_ends + in_notice);
          }
          if (untitled(s)) relax(u, si, end, state_of(story::none, false), action::close, e.close);
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
      choices_.push_back(choice{st.from, st.end, st.act, st.score - best[st.from][st.from_state].score});
      at = st.from;
      s = st.from_state;
    }
    std::reverse(choices_.begin(), choices_.end());
    if (explain_) explain();
  }

  // The best-scoring run starting at unit i is an anchor when it opens a story more surely than
  // it closes one and scores at least anchor_open: the runs after it are compared with it.
  void note_anchor(std::size_t i) {
    double top = -inf;
    std::size_t top_end = npos;
    for (std::size_t r = run_first_[i]; r < runs_.size(); ++r) {
      const run_evidence& e = runs_[r];
      if (e.title != npos && e.open > top && e.open >= e.close) {
        top = e.open;
        top_end = i + (r - run_first_[i]) + 1;
      }
    }
    if (top >= anchor_open) anchors_.emplace_back(i, top_end);
  }

  std::size_t runs_at(std::size_t i) const { return run_first_[i + 1] - run_first_[i]; }
  const run_evidence& run(std::size_t i, std::size_t r) const { return runs_[run_first_[i] + r]; }

  void explain() {
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

  // --- 4. items -------------------------------------------------------------------------------

  struct raw_paragraph {
    std::string_view text;
    bool heading = false;   // tidied as a heading
    bool verbatim = false;  // a table row: kept as it is
  };

  struct draft {
    article a;
    std::size_t first_paragraph = 0;  // reading order
    std::vector<raw_paragraph> raw;
    bool has_table = false;
  };

  draft& new_item(item_kind kind, std::size_t first_paragraph) {
    draft& d = drafts_.emplace_back();
    d.a.kind = kind;
    d.first_paragraph = first_paragraph;
    d.raw.reserve(8);
    return d;
  }

  // Gives the headline run [i, j) to d: title, kicker, subtitle, section, bylines.
  void assign_headline(draft& d, std::size_t i, std::size_t j) {
    article& a = d.a;
    const std::size_t title = title_of(i, j);
    std::vector<std::string> kickers;
    for (std::size_t k = i; k < j; ++k) {
      const paragraph_facts& f = uf(k);
      const std::string_view t = ut(k);
      if (f.byline_line) {
        a.names.merge(*f.byline_line);
        continue;
      }
      if (f.subtitle) {
        std::string_view s = t;
        while (s.starts_with("——") || s.starts_with("—")) s.remove_prefix(s.starts_with("——") ? 6 : 3);
        std::string sub = tidy_heading(s);
        if (!a.subtitle)
          a.subtitle = std::move(sub);
        else
          *a.subtitle += " " + sub;
        continue;
      }
      if (k == title) {
        a.title = tidy_heading(t);
        continue;
      }
      if (k > title) {
        // A column's label printed after the title and subtitle, before the bylines ("民生观察").
        if (f.label_like) kickers.push_back(tidy_heading(t));
        continue;
      }
      if (is_section_label(t)) {
        a.section = tidy_heading(t);
        continue;
      }
      kickers.push_back(tidy_heading(t));
    }
    if (!kickers.empty()) {
      std::string k;
      for (const auto& s : kickers) k += (k.empty() ? "" : " ") + s;
      a.kicker = std::move(k);
    }
  }

  // Adds unit u's paragraph to d's body: a dateline opening the story goes to its fields, a byline
  // line and an author note to its names, a continuation marker to continued_from.
  void add_body(draft& d, std::size_t u) {
    const std::size_t k = units_[u];
    const paragraph_facts& f = facts_[k];
    std::string_view text = ps()[k].text;
    if (f.byline_line) {
      d.a.names.merge(*f.byline_line);
      return;
    }
    if (f.author_note) {
      if (d.a.names.authors.empty() && !f.author_note->empty()) d.a.names.authors.push_back(*f.author_note);
      return;
    }
    if (f.table_row) {
      d.has_table = true;
      d.raw.push_back({text, true, true});
      return;
    }
    if (f.continuation) {
      if (!d.a.continued_from) d.a.continued_from = f.continuation->from;
      text.remove_prefix(f.continuation->body_offset);
    }
    if (f.dateline && d.raw.empty() && !d.a.dateline) {
      d.a.dateline = f.dateline->dateline;
      d.a.names.merge(f.dateline->names);
      text.remove_prefix(f.dateline->body_offset);
    }
    if (const std::size_t cut = find_jump_marker(text); cut != std::string_view::npos) text = text.substr(0, cut);
    if (text.empty()) return;
    const bool part = text.size() != ps()[k].text.size();
    const bool clause = part ? has_clause_punctuation(text) : ps()[k].clause_punctuation;
    d.raw.push_back({text, f.heading_like || !clause, false});
  }

  std::vector<article> build() {
    drafts_.clear();
    drafts_.reserve(ps().size());
    int current = -1;  // the story taking text, -1 for none
    int last_photo = -1;
    std::size_t next_paragraph = 0;  // photos, credits and markers before this are placed
    std::optional<std::string> pending_continuation;
    std::optional<std::string> section;
    bool titled_photo = false;  // the last photo has its title and waits for its caption
    auto place_between = [&](std::size_t upto) {
      for (; next_paragraph < upto; ++next_paragraph) {
        const std::size_t k = next_paragraph;
        const paragraph_facts& f = facts_[k];
        switch (places_[k]) {
          case place::unit: break;
          case place::marker:
            if (f.continuation) pending_continuation = f.continuation->from;
            break;
          case place::credit: {
            if (last_photo >= 0 && drafts_[last_photo].a.names.photographers.empty()) {
              drafts_[last_photo].a.names.photographers = f.credit->photographers;
            } else if (current >= 0) {
              byline b;
              b.photographers = f.credit->photographers;
              drafts_[current].a.names.merge(b);
            }
            break;
          }
          case place::photo_title: {
            draft& d = new_item(item_kind::photo, k);
            d.a.title = tidy_heading(ps()[k].text);
            last_photo = static_cast<int>(drafts_.size()) - 1;
            titled_photo = true;
            break;
          }
          case place::caption: {
            std::string_view caption = ps()[k].text;
            if (!titled_photo) {
              new_item(item_kind::photo, k);
              last_photo = static_cast<int>(drafts_.size()) - 1;
            }
            titled_photo = false;
            draft& d = drafts_[last_photo];
            if (f.credit && f.credit->caption_end > 0) {
              d.a.names.photographers = f.credit->photographers;
              caption = caption.substr(0, f.credit->caption_end);
            }
            caption.remove_prefix(caption_arrow_length(caption));
            while (!caption.empty() && caption.front() == ' ') caption.remove_prefix(1);
            d.raw.push_back({caption, false, false});
            break;
          }
        }
      }
    };
    auto open_story = [&](item_kind kind, std::size_t first_paragraph) {
      draft& d = new_item(kind, first_paragraph);
      if (section) d.a.section = section;
      if (pending_continuation) {
        d.a.continued_from = std::move(pending_continuation);
        pending_continuation.reset();
      }
      current = static_cast<int>(drafts_.size()) - 1;
      return current;
    };
    for (const choice& c : choices_) {
      place_between(units_[c.first]);
      switch (c.act) {
        case action::drop: break;
        case action::open: {
          const int d = open_story(item_kind::article, units_[c.first]);
          assign_headline(drafts_[d], c.first, c.end);
          if (drafts_[d].a.section) section = drafts_[d].a.section;
          ++titled_;
          break;
        }
        case action::close: {
          if (current >= 0) {
            assign_headline(drafts_[current], c.first, c.end);
            if (drafts_[current].a.kind == item_kind::fragment) drafts_[current].a.kind = item_kind::article;
            ++titled_;
            ++closes_;
          }
          current = -1;
          break;
        }
        case action::cut:
          open_story(item_kind::fragment, units_[c.first]);
          add_body(drafts_[current], c.first);
          break;
        case action::body:
          if (current < 0) open_story(item_kind::fragment, units_[c.first]);
          if (pending_continuation && !drafts_[current].a.continued_from) {
            drafts_[current].a.continued_from = std::move(pending_continuation);
            pending_continuation.reset();
          }
          add_body(drafts_[current], c.first);
          break;
      }
      next_paragraph = std::max(next_paragraph, units_[c.end - 1] + 1);
    }
    place_between(ps().size());
    std::stable_sort(drafts_.begin(), drafts_.end(),
                     [](const draft& a, const draft& b) { return a.first_paragraph < b.first_paragraph; });
    return finish();
  }

  std::vector<article> finish() {
    std::vector<article> out;
    out.reserve(drafts_.size());
    // The item's paragraphs of more than 7 characters kept so far: views into a.paragraphs, which
    // never reallocates. A paragraph printed twice comes out once.
    std::unordered_set<std::string_view, paragraph_hash> seen;
    for (auto& d : drafts_) {
      article& a = d.a;
      seen.clear();
      seen.reserve(d.raw.size());
      a.paragraphs.reserve(d.raw.size());
      for (const auto& [raw, heading, verbatim] : d.raw) {
        std::string text = verbatim ? std::string(raw) : heading ? tidy_heading(raw) : tidy_sentence(raw);
        if (text.empty()) continue;
        a.paragraphs.push_back(std::move(text));
        if (!visible_chars_at_most(a.paragraphs.back(), 7) && !seen.insert(a.paragraphs.back()).second) {
          a.paragraphs.pop_back();
        }
      }
      // A headline without text is no article (its story is elsewhere, or it is furniture).
      if (a.paragraphs.empty()) continue;
      if (a.kind == item_kind::photo) {
        a.captions = a.paragraphs;
        if (a.names.photographers.empty()) a.names.photographers = *default_photographers_;
      }
      if (a.kind == item_kind::article && (d.has_table || (a.title && is_notice_title(*a.title)))) {
        a.kind = item_kind::notice;
      }
      std::size_t body_size = a.paragraphs.size();
      for (const auto& p : a.paragraphs) body_size += p.size();
      a.body.reserve(body_size);
      for (const auto& p : a.paragraphs) {
        if (!a.body.empty()) a.body.push_back('\n');
        a.body += p;
      }
      a.char_count = internal::count_code_points(a.body);
      out.push_back(std::move(a));
    }
    return out;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr double inf = std::numeric_limits<double>::infinity();
  static constexpr std::size_t lead_han = 120;   // Han characters of text compared after a headline
  static constexpr std::size_t tail_han = 80;    // and before it
  static constexpr std::size_t wide_han = 400;   // Han characters of a unit read for cohesion
  static constexpr std::size_t wide_tail = 300;  // Han characters before a boundary for cohesion
  static constexpr std::size_t wide_lead = 500;  // and after it
  static constexpr std::size_t max_run = 6;      // headline lines in one run, at most

  struct choice {
    std::size_t first, end;
    action act;
    double score;
  };

  // The page being read, and what read() was asked.
  const std::vector<paragraph>* ps_ = nullptr;
  const std::vector<std::string>* default_photographers_ = nullptr;
  bool explain_ = false;
  std::vector<paragraph_facts> facts_;
  std::vector<place> places_;
  std::vector<std::size_t> units_;                    // paragraph index of each unit
  topic_words topic_words_;                           // the page's bigrams, numbered
  std::vector<std::array<step, story_states>> best_;  // the choice's table (choose())
  std::vector<run_evidence> runs_;                    // every headline run considered
  std::vector<std::pair<std::size_t, std::size_t>> anchors_;  // headline runs [first, end) later runs compare with
  std::vector<std::size_t> last_break_;               // per unit: the last dateline, closing line or note up to it
  std::vector<std::size_t> run_first_;                // where each unit's runs start in runs_
  std::vector<unit_words> words_;
  std::vector<topic_words::bag> lead_bags_, tail_bags_;
  std::vector<topic_words::bag> wide_leads_, wide_tails_;  // cohesion()'s bags
  std::vector<topic_words::bag> headline_bags_;            // of run [i, j) at i * max_run + j - i - 1
  std::vector<choice> choices_;
  std::vector<draft> drafts_;
  std::vector<segment_trace_entry> trace_;
  int titled_ = 0, closes_ = 0;
};

bool is_section_label(std::string_view t) noexcept {
  static constexpr std::array<std::string_view, 18> labels{
      "政务要闻", "要闻",     "时政要闻", "本地新闻", "综合新闻", "社会新闻", "国内新闻", "国际新闻", "经济新闻",
      "县区新闻", "民生新闻", "文体新闻", "专版",     "专刊",     "副刊",     "理论",     "评论",     "时评"};
  return std::find(labels.begin(), labels.end(), t) != labels.end();
}

segmenter::segmenter() : reader_(std::make_unique<reader>()) {}
segmenter::~segmenter() = default;
segmenter::segmenter(segmenter&&) noexcept = default;
segmenter& segmenter::operator=(segmenter&&) noexcept = default;

segmented_page segmenter::segment(const std::vector<paragraph>& paragraphs,
                                  const std::vector<std::string>& default_photographers, bool explain) {
  return reader_->read(paragraphs, default_photographers, explain);
}

segmented_page segment(const std::vector<paragraph>& paragraphs, const std::vector<std::string>& default_photographers,
                       bool explain) {
  return segmenter().segment(paragraphs, default_photographers, explain);
}

}  // namespace broadsheet::pipeline
