#pragma once
// segmenter: the paragraphs of one page → its items (article, photo, notice, fragment) in reading
// order, with title, subtitle, kicker, section, dateline, bylines and captions filled in, and
// the text of every paragraph tidied (Chinese punctuation, layout spaces removed).
//
// One mechanism decides where stories begin and end (pipeline/README.md tells it in full):
//  1. every paragraph's facts are read once (evidence.h);
//  2. photos are taken out by their own evidence (a credit, an arrow, a photo gap);
//  3. every other paragraph is a unit, and every reading of the page is a sequence of choices
//     over the units: a run of headline lines opens the story after it or closes the story
//     before it; a unit is body text, starts a story of its own, or is furniture;
//  4. each choice scores its evidence (weights in internal/segmenter_weights.h: datelines and
//     bylines after a headline, subtitles and column tags, how much a headline shares with the
//     text on either side, how much the text across it shares, blank lines, closing lines), a
//     story without a title costs, and dynamic programming picks the best-scoring reading of the
//     whole page;
//  5. the items are built from that reading.

#include <memory>
#include <string>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/reflow.h"

namespace broadsheet::pipeline {

enum class page_layout { titles_before, titles_after };

// Why the segmenter read a page as it did: one entry per choice that is not plain body text.
struct segment_trace_entry {
  std::size_t first = 0, last = 0;  // paragraph indices, inclusive
  std::string choice;               // "open", "close", "cut", "drop", "inside", "photo", …
  double score = 0;                 // the choice's score (0 for plain body text)
  std::string evidence;             // the features behind the score, "name=value" separated by spaces
};

struct segmented_page {
  page_layout layout = page_layout::titles_before;  // titles_after when most titles follow their body
  std::vector<article> items;                       // ids, page metadata and ordinals are filled by page_processor
  std::vector<segment_trace_entry> trace;           // filled only when segment is asked to explain
};

// Segments pages one after another, reusing its buffers: one per thread (page_processor holds
// one), not thread-safe.
class segmenter {
 public:
  // A page with more paragraph text than section_bytes (the longest printed pages hold about
  // half of it) or more paragraphs than section_paragraphs (a printed page has a few hundred) is
  // read in sections of at most that much, each section's last story read again at the start of
  // the next section, so that the reading's memory and time grow with the page, not with its
  // square (the words compared are bitsets as wide as the page has bigrams, a few a paragraph).
  static constexpr std::size_t section_bytes = std::size_t{64} << 10;
  static constexpr std::size_t section_paragraphs = 1024;

  explicit segmenter(std::size_t section_bytes = segmenter::section_bytes);
  ~segmenter();
  segmenter(segmenter&&) noexcept;
  segmenter& operator=(segmenter&&) noexcept;

  // explain: fill segmented_page::trace.
  [[nodiscard]] segmented_page segment(const std::vector<paragraph>& paragraphs,
                                       const std::vector<std::string>& default_photographers, bool explain = false);

 private:
  class reader;
  segmented_page read_in_sections(const std::vector<paragraph>& paragraphs,
                                  const std::vector<std::string>& default_photographers, bool explain);

  std::unique_ptr<reader> reader_;  // its buffers, reused from page to page
  std::size_t section_bytes_;
  std::vector<paragraph> section_;  // read_in_sections' section
};

// One page with a segmenter of its own.
[[nodiscard]] segmented_page segment(const std::vector<paragraph>& paragraphs,
                                     const std::vector<std::string>& default_photographers, bool explain = false);

// Labels that name a page's section rather than a story ("政务要闻").
[[nodiscard]] bool is_section_label(std::string_view text) noexcept;

}  // namespace broadsheet::pipeline
