#pragma once
// segmenter::reader: the segmenter's working state for one page and the steps that read it
// (pipeline/README.md, "How the segmenter reads a page"). Its member functions are defined by
// concern:
//   segmenter.cpp           read(), the page-level choice (choose, explain)
//   segmenter_photos.cpp    1. photos and markers: which paragraphs are units
//   segmenter_evidence.cpp  2. evidence about runs of units and story starts
//   segmenter_digests.cpp   3b. a column of briefs under one label joined as one item
//   segmenter_items.cpp     4. items built from the chosen reading
// The words around each boundary are segmenter_words' (segmenter_words.h).
// One per segmenter, not thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/evidence.h"
#include "pipeline/internal/segmenter_words.h"
#include "pipeline/reflow.h"
#include "pipeline/segmenter.h"

namespace broadsheet::pipeline {

// Reads one page after another; every buffer keeps its capacity from page to page.
class segmenter::reader {
 public:
  segmented_page read(const std::vector<paragraph>& ps, const std::vector<std::string>& default_photographers,
                      bool explain);
  // The first paragraph of each item of the last page read.
  [[nodiscard]] const std::vector<std::size_t>& item_starts() const noexcept { return item_starts_; }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr double inf = std::numeric_limits<double>::infinity();
  static constexpr std::size_t max_run = internal::max_run;  // headline lines in one run, at most

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
  static constexpr std::size_t stories = 5;
  // The states of the page-level choice: the story, and whether its headline names a notice
  // (whose lists of names and units look like headlines and are not).
  static constexpr std::size_t story_states = 2 * stories;
  static constexpr std::size_t state_of(story s, bool notice) {
    return static_cast<std::size_t>(s) + (notice ? stories : 0);
  }
  static constexpr story story_of(std::size_t state) { return static_cast<story>(state % stories); }
  static constexpr bool notice_of(std::size_t state) { return state >= stories; }
  static constexpr bool untitled(story s) { return s == story::untitled || s == story::dated; }

  // --- 1. photos and markers (segmenter_photos.cpp) -------------------------------------------

  void place_paragraphs(bool titles_over_photos);
  bool dated_text_after_photos(std::size_t k) const;
  bool places_photo_title_over_dated_text() const;

  // --- 2. evidence about runs of units (segmenter_evidence.cpp) -------------------------------

  const paragraph_facts& uf(std::size_t u) const { return facts_[units_[u]]; }
  // Unit u starts with a dateline, or has one after a lead-in of a few words.
  bool dated(std::size_t u) const { return uf(u).dateline || uf(u).dated_late; }
  const std::vector<paragraph>& ps() const { return *ps_; }
  std::string_view ut(std::size_t u) const { return ps()[units_[u]].text; }
  // A unit that can be part of a headline run: a headline-like line or a byline line.
  bool groupable(std::size_t u) const { return internal::groupable(uf(u)); }
  bool is_text(std::size_t u) const { return !groupable(u); }

  // Something between unit u-1 and unit u that is not a unit (a photo, a marker, furniture).
  bool break_before(std::size_t u) const {
    if (u == 0) return false;
    return units_[u] != units_[u - 1] + 1 || uf(u).furniture_before > 0;
  }
  bool photo_between(std::size_t u) const;
  std::size_t title_of(std::size_t i, std::size_t j) const;
  std::size_t run_start(std::size_t i);
  bool subhead_between(std::size_t u);
  bool signed_off_before(std::size_t u) const;
  bool subhead_like(std::size_t v) const;
  bool parallel_to_title(std::size_t i, std::size_t j, std::size_t title) const;
  double story_words(std::size_t i, std::size_t j);

  struct run_evidence {
    std::size_t title = npos;
    double boundary = 0, open = 0, close = 0;
    bool notice = false;  // the title names a notice
    bool byline = false;  // a byline line below the title
    bool strong = false;  // a dateline or byline follows, or a markdown title, or a notice's title
    std::string explained;
  };

  run_evidence judge_run(std::size_t i, std::size_t j);
  std::pair<std::size_t, std::size_t> next_run_after(std::size_t u) const;
  bool continued_at(std::size_t u) const;
  double cut_score(std::size_t u);
  double drop_score(std::size_t u) const;

  // --- 3. the page-level choice (segmenter.cpp) -----------------------------------------------

  static double untitled_cost(story s);

  // A choice of the reading: the units [first, end) as act.
  struct choice {
    std::size_t first, end;
    action act;
    double score;
  };

  // An entry of the choice's table: the best score of the readings that reach it, and the choice
  // that ends there (at the entry's own unit) in one word: the unit and state it started from and
  // its action. One word, so that relaxing an entry is two selects and no branch.
  struct step {
    double score = -inf;
    std::uint64_t link = 0;
    static constexpr std::uint64_t link_of(std::size_t from, std::size_t from_state, action act) {
      return std::uint64_t{from} << 8 | std::uint64_t{from_state} << 3 | static_cast<std::uint64_t>(act);
    }
    [[nodiscard]] std::size_t from() const { return static_cast<std::size_t>(link >> 8); }
    [[nodiscard]] std::size_t from_state() const { return static_cast<std::size_t>(link >> 3 & 0x1F); }
    [[nodiscard]] action act() const { return static_cast<action>(link & 0x7); }
  };
  static_assert(story_states <= 0x1F + 1 && static_cast<std::size_t>(action::drop) <= 0x7);

  // How many of the chosen headlines open the story after them, and how many close the one
  // before.
  struct title_sides {
    std::size_t opens = 0, closes = 0;
  };
  title_sides sides_chosen() const;
  bool titles_after() const;
  bool few_titles_close() const;
  void judge();
  void choose();
  void note_anchor(std::size_t i);
  std::size_t runs_at(std::size_t i) const { return run_first_[i + 1] - run_first_[i]; }
  const run_evidence& run(std::size_t i, std::size_t r) const { return runs_[run_first_[i] + r]; }
  void explain();

  // --- 3b. digests (segmenter_digests.cpp) -----------------------------------------------------

  struct brief_story {
    std::size_t first = 0;  // the story's first text choice (a cut starting it included)
    std::size_t end = 0;    // one past its last choice
    bool brief = false;     // short text signed off by a line in brackets (as the column's rule says)
  };
  // What a column's briefs are: at most chars characters of text each, signed off by a line in
  // brackets or not; their titles alone, or (compiled columns) with one line under them, which
  // unsigned briefs must all have (set alike, they tell the column from the stories after it).
  enum class line_under_title { never, may, must };
  struct brief_rule {
    std::size_t chars = 700;
    bool signed_off = true;
    line_under_title under_title = line_under_title::never;
  };
  bool brief_text(std::size_t first, std::size_t end, const brief_rule& rule) const;
  brief_story story_at(std::size_t c, const brief_rule& rule) const;
  brief_story story_before(std::size_t c) const;
  std::size_t digest_label(std::size_t c) const;
  bool compiled_column(std::size_t c, std::size_t label) const;
  bool label_line(std::size_t u) const;
  bool brief_headline(std::size_t i, std::size_t j, const brief_rule& rule) const;
  void push_as_text(std::size_t first, std::size_t end, std::vector<choice>& out) const;
  void group_digests();
  void group_digests_before();
  void group_digests_after();

  // --- 3c. reports (segmenter_reports.cpp) -----------------------------------------------------

  std::size_t text_chars(std::size_t first, std::size_t end, std::size_t most) const;
  std::size_t report_end(std::size_t c, bool signed_at_end_enough) const;
  void group_reports();

  // --- 4. items (segmenter_items.cpp) ---------------------------------------------------------

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

  draft& new_item(item_kind kind, std::size_t first_paragraph);
  void assign_headline(draft& d, std::size_t i, std::size_t j);
  void add_body(draft& d, std::size_t u);
  std::vector<article> build();
  std::vector<article> finish();

  // The page being read, and what read() was asked.
  const std::vector<paragraph>* ps_ = nullptr;
  const std::vector<std::string>* default_photographers_ = nullptr;
  bool explain_ = false;
  std::vector<paragraph_facts> facts_;
  std::vector<place> places_;
  std::vector<std::size_t> units_;                            // paragraph index of each unit
  internal::segmenter_words words_;                           // the words around each boundary, read once
  std::vector<std::array<step, story_states>> best_;          // the choice's table (choose())
  std::vector<run_evidence> runs_;                            // every headline run considered
  std::vector<std::pair<std::size_t, std::size_t>> anchors_;  // headline runs [first, end) later runs compare with
  std::vector<std::size_t> last_break_;  // per unit: the last dateline, closing line or note up to it
  std::vector<std::size_t> run_first_;   // where each unit's runs start in runs_
  std::vector<choice> choices_;
  double close_cost_ = 0;          // what closing a story costs in this choice (W.close_against_page or 0)
  std::vector<choice> regrouped_;  // group_digests' copy of choices_, swapped with it
  std::vector<draft> drafts_;
  std::vector<std::uint8_t> dropped_;  // finish(): which of an item's paragraphs are parts printed twice
  std::vector<std::size_t> item_starts_;
  std::vector<segment_trace_entry> trace_;
  int titled_ = 0, closes_ = 0;
};

}  // namespace broadsheet::pipeline
