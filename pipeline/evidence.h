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
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/byline.h"
#include "pipeline/reflow.h"

namespace broadsheet::pipeline {

struct paragraph_facts {
  // Shape.
  std::size_t chars = 0;      // visible characters, 81 for any paragraph longer than 80
  bool sentence_end = false;  // ends_sentence: 。！？… before closing quotes and brackets
  bool mid_clause = false;    // ends_mid_clause: ，、：“《（
  bool heading_like = false;  // could be a headline, kicker or subhead line (see facts_of)
  int gap_before = 0;         // blank lines before it
  int furniture_before = 0;   // furniture lines removed right before it
  int md_level = 0;           // markdown heading level, 0 for text
  // Formulaic content.
  std::optional<dateline_match> dateline;          // "本报北京1月22日电（记者甲）…" at the start
  // A dateline after a lead-in of a few words ("目前，本报讯（记者甲）…"): a story's first text
  // all the same, though the dateline is not taken out of it.
  bool dated_late = false;
  std::optional<byline> byline_line;               // the whole paragraph is "本报记者 甲 乙" / "□甲"
  std::optional<credit_match> credit;              // "… 甲 摄" (caption_end 0: a credit line alone)
  std::optional<continuation_match> continuation;  // "（上接A01版①）…" at the start
  std::optional<std::string> author_note;          // the whole paragraph is "（作者为…）"
  // The whole paragraph is in brackets: a note after a story ("（摘编自…）", "（原文刊载于…）"), a
  // sign-off no closing pattern names, or a brief's source ("（柯文）"). Rarely inside a story,
  // nearly always at its end.
  bool note = false;
  bool closing = false;  // a story's last line: "（本报北京1月22日电）", "（执笔：甲）", "（甲整理）", an author note
  bool subtitle = false;       // "——…": a headline's subtitle or an in-body one, never a sentence
  bool dash_kicker = false;    // "…——": a kicker leading into the title under it
  bool kicker_inline = false;  // "甲—— 乙": a kicker and its title on one line, parted by a space or colon
  bool column_tag = false;     // ends with a short bracketed tag, as headlines do: "…（思想纵横）"
  bool caption_arrow = false;  // starts with an arrow that points a caption at its photo
  bool table_row = false;      // holds a tab
  bool label_like = false;     // 2 to 8 characters without punctuation: a section or column label, a kicker
  bool enumerated = false;     // "一、…", "（二）…", "3.…": a numbered section heading or list item
  bool bulleted = false;  // "■…", "●…", "◆…", "▲…": a point of a summary or list, a sidebar's label
  bool first_part = false;     // "一", "（一）" alone: a text's first numbered part begins here
  // A headline line whose phrases are parted by a space ("万泉河清 琼海更美", a kicker and its
  // title on one line): headlines are set so, a subhead inside a text almost never is.
  bool phrases_parted = false;
  // A headline-like line's outline: its length and where its non-Han characters stand, hashed;
  // 0 for other paragraphs. The subheads of one text are often set in parallel ("有条不紊" /
  // "关键节点" / "施工不变", "稳产能：…" / "保供给：…") and share it; the headlines of a
  // page's stories rarely do.
  std::uint64_t outline = 0;
};

// The facts of p. heading_like: a markdown heading, a subtitle, or a line of at most 40
// characters that neither ends a sentence nor stops mid-clause and holds no sentence-ending mark
// inside (a column tag at its end allowed).
[[nodiscard]] paragraph_facts facts_of(const paragraph& p);

// The Han character bigrams of one page's texts, each numbered the first time it is read, and
// sets of them ("bags"): bitsets over those numbers, built without sorting and joined word by
// word; a small bag is compared with another by looking its numbers up in the other's bits, a
// large one word by word. The bags of a page live in one pool that start_page empties (keeping
// its memory for the next page), so a bag is a handle into it. Not thread-safe.
class topic_words {
 public:
  struct bag {
    static constexpr std::uint32_t none = ~std::uint32_t{0};
    std::uint32_t at = none;  // index of the bag in the page's pool
    [[nodiscard]] bool exists() const noexcept { return at != none; }
  };

  // Forgets the last page's bigrams and bags and makes room for a page of text_bytes bytes.
  void start_page(std::size_t text_bytes);

  [[nodiscard]] bag new_bag();
  // A text's bigrams in reading order, each numbered (text: a text of the page start_page was
  // told of). Appends each bigram's number to numbers and, to han_ends, how many of the text's Han
  // characters come up to and including its second one; returns the text's Han characters. A
  // bag of the first (or last) n Han characters is then the bag of a prefix (suffix) of numbers.
  std::size_t number_bigrams(std::string_view text, std::vector<std::uint16_t>& numbers,
                             std::vector<std::uint32_t>& han_ends);
  // The bag of bigrams numbered by number_bigrams.
  [[nodiscard]] bag bag_of(std::span<const std::uint16_t> numbers);
  // The bigrams of base (none: no bag) and those numbered, as a bag that keeps its bits and no
  // list of its numbers, as add leaves one: cheaper to build, for a bag that is only ever added
  // to others.
  [[nodiscard]] bag joined_bag(bag base, std::span<const std::uint16_t> numbers);
  // Adds the bigrams of from to into.
  void add(bag into, bag from) noexcept;
  // The share of a's bigrams that b holds too: 0 when a is empty.
  [[nodiscard]] double shared_fraction(bag a, bag b);

 private:
  std::uint64_t* words(bag b) noexcept { return pool_.data() + std::size_t{b.at} * bag_words_; }
  const std::uint64_t* words(bag b) const noexcept { return pool_.data() + std::size_t{b.at} * bag_words_; }

  // Numbers by a 16-bit hash of the bigram, one slot each: two bigrams of a page that share a hash
  // share a number. A page holds a few thousand bigrams, so a bigram shares its number with
  // another of the page 2 % to 5 % of the time and two leads of 120 characters seem to share a
  // quarter of a bigram more than they do: noise far below what the weights act on. A slot
  // holds the generation (page) that numbered it and the number; one of another generation is
  // free.
  static constexpr std::size_t hash_bits = 16;
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(std::size_t{1} << hash_bits);
  std::uint32_t count_ = 0;
  std::uint16_t generation_ = 0;
  std::size_t bag_words_ = 0;            // words of a bag: enough bits for every number of the page
  std::vector<std::uint64_t> pool_;      // the page's bags' bits, bag_words_ words each
  std::vector<std::uint32_t> slots_of_;  // number_bigrams' slots of the text's bigrams
  // Each bag's numbers, a list shared_fraction walks for a small bag; listed_ says whether it is
  // whole (add adds bits only).
  std::vector<std::vector<std::uint16_t>> members_;
  std::vector<bool> listed_;
  // Each bag's count of numbers where its list is not whole, counted when first compared.
  static constexpr std::uint32_t unknown_size = ~std::uint32_t{0};
  std::vector<std::uint32_t> sizes_;
  // Each bag's words in use: its bits lie in words [0, used_[b]). Numbers are given in reading
  // order, so the bags of the text read first stay low; add and shared_fraction stop there.
  std::vector<std::uint32_t> used_;
};

}  // namespace broadsheet::pipeline
