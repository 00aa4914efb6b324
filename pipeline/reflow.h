#pragma once
// reflow: cleaned lines → paragraphs. Joins hard-wrapped lines (a column 12-14 characters wide)
// and paragraphs cut by a column break (a blank line in the middle of a sentence), without
// gluing separate paragraphs, headings, bylines or captions together.
//
// Evidence used, per line: does it end a sentence (。！？…), does it end mid-clause (，、：“《),
// is it sentence-like (has clause punctuation) or heading-like, how wide is it compared with the
// page's typical wrapped line, and is it one of the formulaic lines (dateline, byline, credit,
// subtitle, continuation marker, table row, markdown heading) that always stand alone or start
// a paragraph.

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/page_cleaner.h"

namespace broadsheet::pipeline {

struct paragraph {
  std::string text;        // joined lines, layout spaces still in place
  int blanks_before = 0;   // blank lines before its first line
  int furniture_before = 0;  // furniture lines removed right before its first line
  int md_level = 0;        // markdown heading level of its line, 0 for text
  int line_count = 1;      // source lines joined into it
  bool across_blank = false;  // joined over at least one column break
  bool clause_punctuation = false;  // has_clause_punctuation(text), computed while joining
};

// Takes the lines by value: their text moves into the paragraphs.
[[nodiscard]] std::vector<paragraph> reflow(std::vector<page_line> lines);

// Shared text predicates (also used by the segmenter).
[[nodiscard]] bool ends_sentence(std::string_view text) noexcept;   // 。！？… possibly before ”）
[[nodiscard]] bool ends_mid_clause(std::string_view text) noexcept; // ，、：；“《（ and ASCII , : ; (
// "一、" "（一）" "(一)" "1.": a numbered line (a section heading inside a text, or a list item).
[[nodiscard]] bool starts_enumerated(std::string_view text) noexcept;
[[nodiscard]] bool is_sentence_like(std::string_view text) noexcept;  // has ，、；：。！？ or ASCII , ; :
// Like is_sentence_like but without the colon, which also introduces list lines such as
// "传统技艺：甲（竹编） 乙（剪纸）" whose spaces separate entries.
[[nodiscard]] bool has_clause_punctuation(std::string_view text) noexcept;
[[nodiscard]] std::size_t visible_chars(std::string_view text) noexcept;  // code points, spaces excluded
// Byte length of an arrow that points a caption at its photo ("➡", "⬅", …) at the start, else 0.
[[nodiscard]] std::size_t caption_arrow_length(std::string_view text) noexcept;
[[nodiscard]] bool visible_chars_at_most(std::string_view text, std::size_t limit) noexcept;  // stops early
// Where the bracketed column tag that ends the text starts ("…（思想纵横）"), npos without one.
[[nodiscard]] std::size_t column_tag_start(std::string_view text) noexcept;

}  // namespace broadsheet::pipeline
