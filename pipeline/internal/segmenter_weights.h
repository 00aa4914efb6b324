#pragma once
// The segmenter's evidence weights and the constants its run judgement and page-level choice
// share (pipeline/README.md, "How the segmenter reads a page", step 4): what each fact about a
// run of headline lines, a story start or a page's end counts for. Read by segmenter.cpp (the
// choice) and segmenter_evidence.cpp (the run judgement).

#include <cstddef>
#include <iosfwd>

namespace broadsheet::pipeline::internal {

// --- the evidence weights -------------------------------------------------------------------
//
// Each reading of a run of headline lines is scored against reading them as body text (score 0):
// a positive score says the evidence favours the reading. A story that ends without a title
// costs untitled_story. The weights are log-odds-like: 3 is strong evidence, 1 is a hint.
struct weights {
  // Evidence that a run of headline lines is a story's headline, whichever side its story is on.
  double dateline_next = 5.0;   // the text after it starts with a dateline
  double dateline_near = 0.75;  // or one of the two paragraphs after that one does (after a summary)
  double byline = 1.7;          // it holds a byline line ("本报记者 甲") under its title or its label
  double subtitle = 2.25;       // it holds a "——" subtitle, or a kicker ending in "——"
  double kicker = 0.2;          // two or more headline lines
  double phrases_parted = 3.0;  // a headline line's phrases are parted by a space
  double column_tag = 2.89;     // the title ends with a bracketed column tag
  double markdown_top = 5.0;    // "#"/"##" title; "###" and deeper count against (subheads)
  double closing_before = 4.0;  // the text before it signs off ("（本报北京电）", "（作者为…）", an end mark)
  double wide_gap = 3.0;        // two or more blank lines beside it
  double photo_beside = 3.0;         // a photo right before or after it
  double length = 0.15;              // per character of the title beyond 10 (clamped)
  double cohesion = -13.8;           // (opening) per unit of shared bigrams between the text before and after
  double unfinished_before = -0.75;  // the text just before it stops mid-sentence
  double clause_title = -1.125;      // the title has clause punctuation (a cut sentence often has), no byline
                                     // under it, no kicker over it unless longer than 12 characters
  double label_first = 0.35;         // a section label above the kicker and title
  double parallel = -3.0;            // a headline line of the same outline nearby: subheads set in parallel
  double notice_title = 2.0;         // the title names a notice ("…公告", "…名单", "光荣榜")
  double enumerated = -4.0;          // the title is numbered ("一、…", "（二）…"): a section of a text
  double inside_notice = -3.0;
  // Two headlines in one run: a headline line above a "——" kicker (not a label), a headline line
  // after a subtitle, two byline lines with a headline line between them.
  double two_headlines = -3.0;
  // notice (its lists look like headlines), without strong evidence
  double bias = -2.0;
  // Which side its story is on.
  double next_lead = 1.25;       // share of the title's bigrams in the next story's lead
  double recent_text = -2.25;    // share in the text just before it (a subhead's neighbours)
  double page_start = 3.0;       // nothing before it: it opens the page's first story
  double first_part_next = 4.0;  // the text after it starts with its first numbered part ("一") or a bulleted point
  double own_lead = 2.21;        // (closing) share in the lead of the story before it
  double close_bias = 0.0;       // titles after their body are the rarer layout
  double close_cohesion = -6.0;  // (closing) per unit of shared bigrams between the text before and after
  double close_recent = -0.2;    // (closing) share in the text just before it: a sign-off, a subhead
  double close_against_page = -4.8;  // (closing) on a page where fewer than a third of the titles close
  // (opening) The text after it leaves the words of the headline of the story it would be in
  // (story_words, segmenter_evidence.cpp): the story has ended.
  double story_left = 2.5;
  // A text paragraph that starts a story without a headline before it.
  double cut_dateline = 3.0;
  double cut_closing_before = 1.0;
  double cut_continuation = 6.0;  // "（上接A01版）" opens a story's continued part
  double cut_names_next = 3.0;    // share of the next headline run's words in the lead it starts
  double cut_cohesion = -6.0;     // per unit of shared bigrams between the text before and after
  double cut_uncued = -3.5;       // no dateline, sign-off, continuation or wide gap before it
  double cut_bias = -2.5;
  // Furniture: a label-like line standing alone at the end of the page.
  double drop_label_at_end = 1.0;
  // A story with body text and no headline; less when it starts with a dateline, as a news item
  // printed without a headline does.
  double untitled_story = -4.5;
  double untitled_dated = -1.5;
  // Thresholds. A run whose opening scores at least anchor_open (and more than its closing) is a
  // headline that later runs are compared with (story_words); at most story_left_share of that
  // headline's bigrams in the text after a run: the text has left it.
  double anchor_open = 0.2;
  double story_left_share = 0.06;
};
// Weights read from "name value" lines, the defaults above for any line missing or unknown
// (segmenter_weights_tuning.cpp).
weights read_weights(std::istream& in);
// The weights in the file SEGMENTER_WEIGHTS names, read once; the defaults where it is unset.
const weights& tunable_weights();
#ifdef BROADSHEET_TUNABLE_WEIGHTS
// A build for fitting the weights (cmake -DBROADSHEET_TUNABLE_WEIGHTS=ON, scripts/fit-weights.py).
inline const weights& W = tunable_weights();
#else
constexpr weights W{};
#endif

// Units either side of a title searched for a headline line of the same outline.
constexpr std::size_t parallel_window = 8;

}  // namespace broadsheet::pipeline::internal
