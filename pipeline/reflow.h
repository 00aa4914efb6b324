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

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/page_cleaner.h"
#include "pipeline/photo_credits.h"
#include "pipeline/text_shape.h"

namespace broadsheet::pipeline {

struct paragraph {
  // Joined lines, layout spaces still in place. A view: reflow's paragraphs view the bytes of
  // their reflowed_page; a paragraph made otherwise views whatever its maker keeps alive.
  std::string_view text;
  int blanks_before = 0;            // blank lines before its first line
  int furniture_before = 0;         // furniture lines removed right before its first line
  int md_level = 0;                 // markdown heading level of its line, 0 for text
  int line_count = 1;               // source lines joined into it
  bool across_blank = false;        // joined over at least one column break
  bool clause_punctuation = false;  // has_clause_punctuation(text), computed while joining
  // What reflow read of the one line that is its text, so that the paragraph's facts
  // (evidence.h) need not read it again: only in a paragraph of one line from reflow.
  struct line_reading {
    bool read = false;        // the rest is there
    bool no_byline = false;   // match_byline_line(text) was asked and found none (a line of 90 bytes or less)
    bool dateline = false;    // dateline_length(text) > 0 || has_dateline_after_lead_in(text)
    text_end end;             // how_it_ends(text)
    bool enumerated = false;  // starts_enumerated(text)
    // Its photo credit (credit_at_end), held by the reflowed_page; nullptr when it has none.
    const credit_match* credit = nullptr;
  };
  line_reading line{};
  // visible_chars(text), counted while joining (reflow counts every line's); not_counted in a
  // paragraph made otherwise.
  static constexpr std::size_t not_counted = static_cast<std::size_t>(-1);
  std::size_t chars = not_counted;
};

// visible_chars(p.text): as reflow counted it, else counted now.
[[nodiscard]] inline std::size_t visible_chars(const paragraph& p) noexcept {
  return p.chars != paragraph::not_counted ? p.chars : visible_chars(p.text);
}

// A page's paragraphs and the bytes they view: the cleaned page's lines, where a paragraph's
// lines lie back to back (nearly all), and joined_bytes for the few that a join had to copy (a
// space between two Latin words, a repeated paragraph skipped between two pieces). Move-only,
// like cleaned_page.
struct reflowed_page {
  reflowed_page() = default;
  reflowed_page(reflowed_page&&) = default;
  reflowed_page& operator=(reflowed_page&&) = default;
  reflowed_page(const reflowed_page&) = delete;
  reflowed_page& operator=(const reflowed_page&) = delete;

  std::vector<paragraph> paragraphs;
  cleaned_page cleaned;               // the page reflowed, kept for its line_bytes
  std::vector<char> joined_bytes;     // the copied paragraphs' bytes, back to back
  std::vector<credit_match> credits;  // the lines' photo credits, which paragraph::line_reading points to
};

// The paragraphs of a cleaned page's lines. Takes the page over: its paragraphs are views of its
// lines' bytes wherever the lines lie as they are joined, so most are neither copied nor
// allocated.
[[nodiscard]] reflowed_page reflow(cleaned_page page);

}  // namespace broadsheet::pipeline
