#pragma once
// reflow_lines: what reflow reads of each line of a page before it joins any. Whether the line
// stands alone (a byline, a credit, a table row) or always starts a paragraph (a dateline, a
// numbered item, a continuation marker), whether it ends a sentence or stops mid-clause, and
// how wide it is in columns; and, over the page, the typical width of its wrapped lines. Also
// the bracket checks that both of reflow's passes ask of a paragraph. Internal to reflow.

#include <cstddef>
#include <string_view>
#include <vector>

#include "pipeline/page_cleaner.h"
#include "pipeline/photo_credits.h"
#include "pipeline/text_shape.h"

namespace broadsheet::pipeline::internal {

struct line_facts {
  bool alone = false;         // stands as a paragraph of its own (byline, credit, subtitle, table row…)
  bool starts = false;        // always starts a new paragraph
  bool dateline = false;      // starts with a dateline: the paragraph is body text, never a heading
  bool enumerated = false;    // "一、" "（一）" "1.": a list item or a numbered heading
  bool ends = false;          // ends a sentence
  text_end end;               // how_it_ends(text); ends also counts a credit or a closing line
  bool sentence_like = false;  // has_clause_punctuation(text)
  bool source = false;         // a short name in brackets, a brief's source ("（柯文）")
  bool continues = false;      // starts with clause punctuation (，。、；：？！）): never a line's start
  bool no_byline = false;      // asked match_byline_line(text) and found none (false: not asked)
  int columns = 0;             // display width without spaces: CJK 2, other 1
  std::size_t chars = 0;       // visible_chars(text)
  int credit = -1;             // its photo credit's index in facts_of's credits, -1 for none
};

// The line's photo credit (a line of at most 600 bytes ending with 摄, match_photo_credit), if it
// has one, is appended to credits, and facts.credit is its index there.
[[nodiscard]] line_facts facts_of(const page_line& line, std::vector<credit_match>& credits);

// The typical width of a wrapped line: the 75th percentile over blocks of three or more lines.
// 0 when the page has no such blocks (it does not hard-wrap).
[[nodiscard]] int typical_columns(const std::vector<page_line>& lines, const std::vector<line_facts>& facts);

// A line that stands as a paragraph of its own: a table row, a subtitle, a byline or credit line,
// a closing line, a continuation or jump marker alone.
[[nodiscard]] bool is_formulaic_alone(std::string_view text);

// A paragraph that ends with a closing line's bracket ("…举办。（本报记者甲整理）"): finished.
[[nodiscard]] bool ends_with_closing(std::string_view text);

// The characters after a bracket the text opens and does not close ("…（本报伊斯"), or npos when
// every bracket is closed.
[[nodiscard]] std::size_t unclosed_bracket_tail(std::string_view text);

}  // namespace broadsheet::pipeline::internal
