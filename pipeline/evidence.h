#pragma once
// evidence: what one paragraph of a page says about its role, and how much two texts share.
//
// paragraph_facts reads a paragraph once: its shape (length, punctuation, blank lines and
// removed furniture before it) and its formulaic content (dateline, byline line, photo credit,
// continuation marker, closing line, subtitle, column tag). The segmenter weighs these facts; it
// never looks at a paragraph's words again except through topic_words.
//
// How much two texts share is topic_words' (topic_words.h).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/byline.h"
#include "pipeline/dateline.h"
#include "pipeline/jump_markers.h"
#include "pipeline/photo_credits.h"
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
  std::optional<dateline_match> dateline;  // "本报北京1月22日电（记者甲）…" at the start
  // A dateline after a lead-in of a few words ("目前，本报讯（记者甲）…"): a story's first text
  // all the same, though the dateline is not taken out of it.
  bool dated_late = false;
  std::optional<byline> byline_line;               // the whole paragraph is "本报记者 甲 乙" / "□甲"
  std::optional<credit_match> credit;              // "… 甲 摄" (caption_end 0: a credit line alone)
  std::optional<continuation_match> continuation;  // "（上接A01版①）…" at the start
  std::optional<std::string> author_note;          // the whole paragraph is "（作者为…）"
  // find_jump_marker: where a jump marker ("（下转A05版）") ends the paragraph, 0 for a marker
  // alone, npos without one. The reader asks for it at every boundary.
  std::size_t jump_marker = std::string_view::npos;
  // The whole paragraph is in brackets: a note after a story ("（摘编自…）", "（原文刊载于…）"), a
  // sign-off no closing pattern names, or a brief's source ("（柯文）"). Rarely inside a story,
  // nearly always at its end.
  bool note = false;
  // A story's last line: "（本报北京1月22日电）", "（执笔：甲）", "（甲整理）", "本报记者甲整理" (not set as
  // a heading), an author note.
  bool closing = false;
  bool subtitle = false;       // "——…": a headline's subtitle or an in-body one, never a sentence
  bool dash_kicker = false;    // "…——": a kicker leading into the title under it
  bool kicker_inline = false;  // "甲—— 乙": a kicker and its title on one line, parted by a space or colon
  bool column_tag = false;     // ends with a short bracketed tag, as headlines do: "…（思想纵横）"
  bool caption_arrow = false;  // starts with an arrow that points a caption at its photo
  bool table_row = false;      // holds a tab
  bool label_like = false;     // 2 to 8 characters without punctuation: a section or column label, a kicker
  bool enumerated = false;     // "一、…", "（二）…", "3.…": a numbered section heading or list item
  bool bulleted = false;    // "■…", "●…", "◆…", "▲…": a point of a summary or list, a sidebar's label
  bool first_part = false;  // "一", "（一）" alone: a text's first numbered part begins here
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

}  // namespace broadsheet::pipeline
