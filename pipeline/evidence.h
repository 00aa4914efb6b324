#pragma once
// evidence: what one paragraph of a page says about its role, and how much two texts share.
//
// paragraph_facts reads a paragraph once: its shape (length, punctuation, blank lines and
// removed furniture before it) and its formulaic content (dateline, byline line, photo credit,
// continuation marker, closing line, subtitle, column tag). The segmenter weighs these facts; it
// never looks at a paragraph's words again except through topic_bag.
//
// topic_bag holds the Han character bigrams of a stretch of text. A headline shares its words
// with the lead of its own story; an in-body subhead shares them with the text around it; the
// text after a story boundary brings new words. shared_fraction measures all three.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/byline.h"
#include "pipeline/reflow.h"

namespace broadsheet::pipeline {

struct paragraph_facts {
  // Shape.
  std::size_t chars = 0;      // visible characters, 61 for any paragraph longer than 60
  bool sentence_end = false;  // ends_sentence: 。！？… before closing quotes and brackets
  bool mid_clause = false;    // ends_mid_clause: ，、：“《（
  bool heading_like = false;  // could be a headline, kicker or subhead line (see facts_of)
  int gap_before = 0;         // blank lines before it
  int furniture_before = 0;   // furniture lines removed right before it
  int md_level = 0;           // markdown heading level, 0 for text
  // Formulaic content.
  std::optional<dateline_match> dateline;          // "本报北京1月22日电（记者甲）…" at the start
  std::optional<byline> byline_line;               // the whole paragraph is "本报记者 甲 乙" / "□甲"
  std::optional<credit_match> credit;              // "… 甲 摄" (caption_end 0: a credit line alone)
  std::optional<continuation_match> continuation;  // "（上接A01版①）…" at the start
  std::optional<std::string> author_note;          // the whole paragraph is "（作者为…）"
  bool closing = false;  // a story's last line: "（本报北京1月22日电）", "（执笔：甲）", "（甲整理）", an author note
  bool subtitle = false;       // "——…": a headline's subtitle or an in-body one, never a sentence
  bool column_tag = false;     // ends with a short bracketed tag, as headlines do: "…（思想纵横）"
  bool caption_arrow = false;  // starts with an arrow that points a caption at its photo
  bool table_row = false;      // holds a tab
  bool label_like = false;     // 2 to 8 characters without punctuation: a section or column label, a kicker
  bool enumerated = false;     // "一、…", "（二）…", "3.…": a numbered section heading or list item
};

// The facts of p. heading_like: a markdown heading, a subtitle, or a line of at most 40
// characters that neither ends a sentence nor stops mid-clause and holds no sentence-ending mark
// inside (a column tag at its end allowed).
[[nodiscard]] paragraph_facts facts_of(const paragraph& p);

// The Han character bigrams of one page's texts, each numbered the first time it is read, and
// sets of them as bitsets over those numbers: exact, built without sorting, compared word by
// word. Its bags are only compared with bags of the same page: start_page() forgets the numbers
// (without clearing its table: a generation count marks what is current). Not thread-safe.
class topic_words {
 public:
  // Forgets the last page's numbers and makes room for a page of text_bytes bytes.
  void start_page(std::size_t text_bytes);

  class bag {
   public:
    [[nodiscard]] bool empty() const noexcept;
    bag& operator|=(const bag& other) noexcept;
    // The share of this bag's bigrams that other holds too: 0 when this bag is empty.
    [[nodiscard]] double shared_fraction(const bag& other) const noexcept;

   private:
    friend class topic_words;
    std::vector<std::uint64_t> bits_;  // as many words as the page can have bigrams
  };

  [[nodiscard]] bag empty_bag() const {
    bag b;
    b.bits_.assign(bag_words_, 0);
    return b;
  }

  // The bag of the first (tail_of: the last) max_han Han characters of text, a text of the page
  // start_page was told of. han_read receives the Han characters read: fewer than max_han
  // when that was all of text.
  [[nodiscard]] bag head_of(std::string_view text, std::size_t max_han, std::size_t& han_read);
  [[nodiscard]] bag tail_of(std::string_view text, std::size_t max_han);

 private:
  // Adds the bigrams of text to b in reading order, from the end when from_end, up to max_han
  // Han characters; returns the Han characters read.
  std::size_t read(std::string_view text, std::size_t max_han, bool from_end, bag& b);
  std::uint32_t number_of(std::uint64_t bigram) noexcept;

  // Open addressing, at most half full: key holds a bigram (its two code points, 21 bits each)
  // and, above them, the generation that put it there. A slot of another generation is empty.
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t number = 0;
  };
  std::vector<slot> slots_;
  std::uint32_t count_ = 0;
  std::uint64_t generation_ = 0;
  std::size_t bag_words_ = 0;
};

}  // namespace broadsheet::pipeline
