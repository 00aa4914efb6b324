#include "pipeline/internal/segmenter_words.h"

#include <algorithm>
#include <span>

namespace broadsheet::pipeline::internal {

void segmenter_words::start_page(std::size_t text_bytes) { topic_words_.start_page(text_bytes); }

void segmenter_words::start_reading(const std::vector<paragraph>& ps, const std::vector<paragraph_facts>& facts,
                                    const std::vector<std::size_t>& units) {
  ps_ = &ps;
  facts_ = &facts;
  units_ = &units;
  const std::size_t n = units.size();
  words_.assign(n, unit_words{});
  numbers_.clear();
  han_ends_.clear();
  lead_bags_.assign(n + 1, topic_words::bag{});
  tail_bags_.assign(n + 1, topic_words::bag{});
  wide_leads_.assign(n + 1, topic_words::bag{});
  wide_tails_.assign(n + 1, topic_words::bag{});
  headline_bags_.assign(n * max_run, topic_words::bag{});
}

segmenter_words::unit_words& segmenter_words::read(std::size_t u) {
  unit_words& w = words_[u];
  if (!w.read) {
    w.read = true;
    w.first = numbers_.size();
    w.all_han = topic_words_.number_bigrams(words_of(u), numbers_, han_ends_);
    w.end = numbers_.size();
    w.han = std::min(w.all_han, lead_han);
  }
  return w;
}

std::span<const std::uint16_t> segmenter_words::numbers_between(const unit_words& w, std::size_t from,
                                                                std::size_t to) const {
  const auto ends_first = han_ends_.begin() + static_cast<std::ptrdiff_t>(w.first);
  const auto ends_end = han_ends_.begin() + static_cast<std::ptrdiff_t>(w.end);
  // A bigram's second character is the unit's second Han character or later, and none is past
  // its last: a range open at either end needs no search there (a head, a short unit).
  const auto lo = from <= 2 ? ends_first : std::lower_bound(ends_first, ends_end, from);
  const auto hi = to > w.all_han ? ends_end : std::lower_bound(lo, ends_end, to);
  return std::span<const std::uint16_t>(numbers_).subspan(static_cast<std::size_t>(lo - han_ends_.begin()),
                                                          static_cast<std::size_t>(hi - lo));
}

// A headline line's head is compared with texts by its list of numbers (shared_fraction); a text
// unit's is only ever added to the bags of its windows, so it keeps its bits alone.
topic_words::bag segmenter_words::head_of(std::size_t u) {
  unit_words& w = read(u);
  if (!w.head.exists()) {
    const std::span<const std::uint16_t> numbers = numbers_between(w, 1, lead_han + 1);
    w.head = is_text(u) ? topic_words_.joined_bag(topic_words::bag{}, numbers) : topic_words_.bag_of(numbers);
  }
  return w.head;
}

// The bigrams of the unit's last tail_han Han characters: those whose first one is among them.
// Only ever added to text_before's bags: no list of its numbers.
topic_words::bag segmenter_words::tail_of(std::size_t u) {
  unit_words& w = words_[u];
  if (!w.tail.exists()) {
    const topic_words::bag head = head_of(u);
    w.tail = w.han < tail_han ? head
                              : topic_words_.joined_bag(topic_words::bag{},
                                                        numbers_between(w, w.all_han - tail_han + 2, w.all_han + 1));
  }
  return w.tail;
}

// The bigrams of the unit's first wide_han Han characters: nearly all of a paragraph. Its head
// and the bigrams after it; only ever added to the bags of text_after and text_before.
topic_words::bag segmenter_words::wide_of(std::size_t u) {
  unit_words& w = words_[u];
  if (!w.wide.exists()) {
    const topic_words::bag head = head_of(u);
    w.wide = w.han < lead_han ? head : topic_words_.joined_bag(head, numbers_between(w, lead_han + 1, wide_han + 1));
  }
  return w.wide;
}

// A headline run's words are built once per run, from the run one line shorter; a run of one
// headline line's are its head (bags are only compared and added to others, never changed).
topic_words::bag segmenter_words::headline_bag(std::size_t i, std::size_t j) {
  topic_words::bag& slot = headline_bags_[i * max_run + (j - i - 1)];
  if (slot.exists()) return slot;
  if (j - i == 1 && uf(i).heading_like) return slot = head_of(i);
  const topic_words::bag bag = topic_words_.new_bag();
  if (j - i >= 2) topic_words_.add(bag, headline_bag(i, j - 1));
  if (uf(j - 1).heading_like) topic_words_.add(bag, head_of(j - 1));
  return slot = bag;
}

// A headline line's words, read into a cohesion window it stands in: a subhead's are its
// story's; a byline line's names are nobody's topic.
void segmenter_words::add_headline_words(topic_words::bag bag, std::size_t u) {
  if (!uf(u).byline_line) topic_words_.add(bag, head_of(u));
}

// The words of the text from unit j on, part(u) of each unit, until limit Han characters (or a
// little more: whole units) are read. Headline lines are skipped at its start; further on the
// wide parts (cohesion's) are read across them, with their words but not their characters
// counted (a subhead and the text on either side of it are one story's; byline lines are
// left out), the others stop there. At most window_units units are read: in a list of short
// lines (names, a table of contents) a wide window would otherwise read to the end of the page,
// and every window of the page cost as much as the page. A window that its first unit fills alone
// is that unit's bag, not a copy of it: windows are only compared, never added to.
template <segmenter_words::part_of part>
topic_words::bag segmenter_words::text_after(std::size_t j, std::size_t limit) {
  const std::size_t end = std::min(units_->size(), j + window_units);
  std::size_t u = j < end && !is_text(j) ? j + 1 : j;
  if (u < end && is_text(u)) {
    const topic_words::bag first = (this->*part)(u);
    if (han_in<part>(u) >= limit) return first;
  }
  const topic_words::bag bag = topic_words_.new_bag();
  std::size_t han = 0;
  for (; u < end && han < limit; ++u) {
    if (!take<part>(bag, u, han)) break;
  }
  return bag;
}

// The same before unit i, read backwards; the headline lines right before i are skipped, as
// text_after skips them after a run.
template <segmenter_words::part_of part>
topic_words::bag segmenter_words::text_before(std::size_t i, std::size_t limit) {
  const std::size_t first = i > window_units ? i - window_units : 0;
  std::size_t u = i;
  while (u > first && !is_text(u - 1)) --u;
  if (u > first) {
    const topic_words::bag last = (this->*part)(u - 1);
    if (han_in<part>(u - 1) >= limit) return last;
  }
  const topic_words::bag bag = topic_words_.new_bag();
  std::size_t han = 0;
  for (; u-- > first && han < limit;) {
    if (!take<part>(bag, u, han)) break;
  }
  return bag;
}

// Reads unit u into a window's bag: a text unit's part(u), its Han characters counted into han;
// in a wide window a headline line's words. False where a narrower window stops: at a headline line.
// Every part reads the unit and its head, so its counts of Han characters are known after it.
template <segmenter_words::part_of part>
bool segmenter_words::take(topic_words::bag bag, std::size_t u, std::size_t& han) {
  constexpr bool wide = part == &segmenter_words::wide_of;
  if (!is_text(u)) {
    if constexpr (wide) add_headline_words(bag, u);
    return wide;
  }
  topic_words_.add(bag, (this->*part)(u));
  han += han_in<part>(u);
  return true;
}

topic_words::bag segmenter_words::lead_bag(std::size_t j) {
  topic_words::bag& slot = lead_bags_[j];
  if (!slot.exists()) slot = text_after<&segmenter_words::head_of>(j, lead_han);
  return slot;
}

topic_words::bag segmenter_words::tail_bag(std::size_t i) {
  topic_words::bag& slot = tail_bags_[i];
  if (!slot.exists()) slot = text_before<&segmenter_words::tail_of>(i, tail_han);
  return slot;
}

double segmenter_words::cohesion(std::size_t i, std::size_t j) {
  topic_words::bag& tail = wide_tails_[i];
  if (!tail.exists()) tail = text_before<&segmenter_words::wide_of>(i, wide_tail);
  const topic_words::bag lead = wide_lead_bag(j);
  return topic_words_.shared_fraction(tail, lead);
}

topic_words::bag segmenter_words::wide_lead_bag(std::size_t j) {
  topic_words::bag& lead = wide_leads_[j];
  if (!lead.exists()) lead = text_after<&segmenter_words::wide_of>(j, wide_lead);
  return lead;
}

}  // namespace broadsheet::pipeline::internal
