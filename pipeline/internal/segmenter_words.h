#pragma once
// segmenter_words: the words around the segmenter's boundaries, each read once per reading of a
// page. A unit is a paragraph the page-level choice decides on (segmenter::reader numbers them);
// its words are the Han character bigrams of topic_words. The segmenter's run judgement asks
// how much a headline run shares with the lead after it, the text before it and the lead of the
// story before it, how much the text across a boundary shares (cohesion), and how much of a
// story's headline the text after a run still holds; this class reads the bags those questions
// need, when first asked for, and keeps them for the rest of the reading. The order in which
// they are first asked for numbers the page's bigrams, so callers keep it fixed.
//
// Lifecycle: start_page for each page (it forgets the last page's bigrams and bags), then
// start_reading for each reading of its units (a page may be read twice); the paragraphs, facts
// and units it is given must outlive the reading. Memory is kept from page to page. One per
// segmenter::reader, not thread-safe.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "pipeline/evidence.h"
#include "pipeline/reflow.h"
#include "pipeline/topic_words.h"

namespace broadsheet::pipeline::internal {

inline constexpr std::size_t max_run = 6;  // headline lines in one run, at most

// A unit that can be part of a headline run: a headline-like line or a byline line.
inline bool groupable(const paragraph_facts& f) { return f.heading_like || f.byline_line.has_value(); }

class segmenter_words {
 public:
  // A new page of text_bytes bytes of paragraph text.
  void start_page(std::size_t text_bytes);
  // A new reading of the page: units[u] is the index in ps and facts of unit u. Forgets the bags
  // of the last reading.
  void start_reading(const std::vector<paragraph>& ps, const std::vector<paragraph_facts>& facts,
                     const std::vector<std::size_t>& units);

  // The bigrams of unit u's first lead_han Han characters (its dateline left out).
  [[nodiscard]] topic_words::bag head_of(std::size_t u);
  // The words of the headline run [i, j) (j - i <= max_run): its headline lines (kicker, title,
  // subtitle), not its bylines.
  [[nodiscard]] topic_words::bag headline_bag(std::size_t i, std::size_t j);
  // The first lead_han Han characters of the text from unit j on (the lead after a headline run).
  [[nodiscard]] topic_words::bag lead_bag(std::size_t j);
  // The last tail_han Han characters of the text before unit i.
  [[nodiscard]] topic_words::bag tail_bag(std::size_t i);
  // Whether the text on both sides of a boundary before unit j (i: where the headline run before
  // it starts, or j) is about the same things: the share of the bigrams of the wide_tail Han
  // characters before i found in the wide_lead characters from j on, read across headline lines
  // and with their words (a subhead and its neighbours are one story's text). Wider than the leads that are matched
  // against a headline's words: the words an article repeats are names and terms, a few in a paragraph.
  [[nodiscard]] double cohesion(std::size_t i, std::size_t j);
  // The bigrams of the wide_lead Han characters of the text from unit j on: the lead cohesion()
  // compares, and the text a story's headline words are looked for in (the reader's story_words).
  [[nodiscard]] topic_words::bag wide_lead_bag(std::size_t j);
  // The share of a's bigrams that b holds too: 0 when a is empty.
  [[nodiscard]] double shared_fraction(topic_words::bag a, topic_words::bag b) {
    return topic_words_.shared_fraction(a, b);
  }

  static constexpr std::size_t lead_han = 120;   // Han characters of text compared after a headline
  static constexpr std::size_t tail_han = 80;    // and before it
  static constexpr std::size_t wide_han = 400;   // Han characters of a unit read for cohesion
  static constexpr std::size_t wide_tail = 300;  // Han characters before a boundary for cohesion
  static constexpr std::size_t wide_lead = 500;  // and after it
  static constexpr std::size_t window_units = 24;  // units a window reads, at most

 private:
  // Each unit's words are read when first asked for, and once: its bigrams, numbered, kept in
  // numbers_ (from first to end), so that the bags of its first lead_han and wide_han and of its
  // last tail_han Han characters are ranges of them (one bag for a shorter unit), and how many
  // Han characters it has. Only the units around headline runs and possible story starts ever
  // are read.
  struct unit_words {
    topic_words::bag head, tail, wide;
    bool read = false;
    std::size_t first = 0, end = 0;  // its bigrams in numbers_ and han_ends_
    std::size_t han = 0;             // its Han characters, at most lead_han
    std::size_t all_han = 0;         // all of them
  };

  const paragraph_facts& uf(std::size_t u) const { return (*facts_)[(*units_)[u]]; }
  std::string_view ut(std::size_t u) const { return (*ps_)[(*units_)[u]].text; }
  bool is_text(std::size_t u) const { return !groupable(uf(u)); }
  // The words of a unit's text: without its dateline, whose issuer and brackets every story shares.
  std::string_view words_of(std::size_t u) const {
    const paragraph_facts& f = uf(u);
    return f.dateline ? ut(u).substr(f.dateline->body_offset) : ut(u);
  }

  unit_words& read(std::size_t u);
  // The numbers of the unit's bigrams whose second character is among its Han characters
  // [from, to), counted from 1 (its first max_han characters: [1, max_han + 1)).
  std::span<const std::uint16_t> numbers_between(const unit_words& w, std::size_t from, std::size_t to) const;
  topic_words::bag tail_of(std::size_t u);
  topic_words::bag wide_of(std::size_t u);

  // The part of a unit a window reads: a template argument, so that a window calls it directly
  // and knows at compile time whether it is a wide one.
  using part_of = topic_words::bag (segmenter_words::*)(std::size_t);
  template <part_of part>
  topic_words::bag text_after(std::size_t j, std::size_t limit);
  void add_headline_words(topic_words::bag bag, std::size_t u);
  template <part_of part>
  topic_words::bag text_before(std::size_t i, std::size_t limit);
  template <part_of part>
  bool take(topic_words::bag bag, std::size_t u, std::size_t& han);
  // The Han characters a window counts for a text unit whose part it has read: its wide part's
  // in a wide window, its head's in the others.
  template <part_of part>
  std::size_t han_in(std::size_t u) const {
    const unit_words& w = words_[u];
    return part == &segmenter_words::wide_of ? std::min(w.all_han, wide_han) : w.han;
  }

  // The reading's page.
  const std::vector<paragraph>* ps_ = nullptr;
  const std::vector<paragraph_facts>* facts_ = nullptr;
  const std::vector<std::size_t>* units_ = nullptr;
  topic_words topic_words_;  // the page's bigrams, numbered
  std::vector<unit_words> words_;
  topic_words::number_list numbers_;    // the read units' bigrams' numbers, unit by unit
  topic_words::han_end_list han_ends_;  // and the Han characters of their unit up to each
  std::vector<topic_words::bag> lead_bags_, tail_bags_;
  std::vector<topic_words::bag> wide_leads_, wide_tails_;  // cohesion()'s bags
  std::vector<topic_words::bag> headline_bags_;            // of run [i, j) at i * max_run + j - i - 1
};

}  // namespace broadsheet::pipeline::internal
