#include "pipeline/reflow.h"

#include <algorithm>
#include <cstdlib>

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/dateline.h"
#include "pipeline/internal/reflow_lines.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/photo_credits.h"

namespace broadsheet::pipeline {

using internal::ends_with_closing;
using internal::is_formulaic_alone;
using internal::line_facts;
using internal::next_code_point;
using internal::previous_code_point;
using internal::unclosed_bracket_tail;

namespace {

// Whether joining next to a text that ends with `before` puts a space between them: two Latin
// letters, which a line break parted as words.
bool needs_space(std::string_view before, std::string_view next) {
  if (before.empty() || next.empty()) return false;
  const char32_t a = previous_code_point(before, before.size());
  std::size_t i = 0;
  const char32_t b = next_code_point(next, i);
  const auto latin = [](char32_t c) { return (char_class(c) & cc::latin) && c < 0x250; };
  return latin(a) && latin(b);
}

// A paragraph's text while its lines are joined. The cleaned page's lines lie back to back in
// one buffer, so lines joined as they lie are one view of it, without a copy; a join that needs
// a space, or that skips a paragraph between, makes the text a copy of its own.
class joined_text {
 public:
  explicit joined_text(std::string_view line) : view_(line) {}

  [[nodiscard]] std::string_view view() const noexcept { return copied_ ? std::string_view(own_) : view_; }

  // Appends next, a line of the page or a text joined from them, with a space where needs_space.
  void join(const joined_text& next) {
    const std::string_view n = next.view();
    const bool space = needs_space(view(), n);
    if (!copied_ && !next.copied_ && !space && view_.data() + view_.size() == n.data()) {
      view_ = std::string_view(view_.data(), view_.size() + n.size());
      return;
    }
    if (!copied_) {
      own_.reserve(view_.size() + 1 + n.size());
      own_.assign(view_);
      copied_ = true;
    }
    if (space) own_.push_back(' ');
    own_.append(n);
  }

  [[nodiscard]] bool copied() const noexcept { return copied_; }

 private:
  std::string_view view_;  // a view of the cleaned page's lines, while !copied_
  std::string own_;        // the text, once copied_
  bool copied_ = false;
};

struct draft {
  paragraph p;  // its text is filled in at the end, from text
  joined_text text;
  line_facts first, last;
  std::size_t chars = 0;       // visible_chars(text), kept as lines are joined
  bool sentence_like = false;  // has_clause_punctuation(text), likewise

  void join(const joined_text& next, const line_facts& f, std::size_t text_chars, bool text_sentence_like) {
    text.join(next);
    last = f;
    chars += text_chars;
    sentence_like = sentence_like || text_sentence_like;
  }
};

// A heading that must not be glued to the unfinished paragraph before it: short, no clause
// punctuation, not ending a sentence, and followed by what follows a headline (a dateline, a
// byline, a subtitle, a credit, an image gap) or by nothing.
bool is_strong_heading(const std::vector<draft>& ps, std::size_t i) {
  if (ps[i].last.ends || ps[i].sentence_like || ps[i].chars > 50) return false;
  if (i + 1 == ps.size()) return true;
  const paragraph& next = ps[i + 1].p;
  if (next.blanks_before >= 2 || next.md_level > 0) return true;
  const std::string_view text = ps[i + 1].text.view();
  if (dateline_length(text) > 0 || text.starts_with("——")) return true;
  // A paragraph of one line was asked whether it is a byline with the line's facts.
  const bool known_no_byline = ps[i + 1].p.line_count == 1 && ps[i + 1].first.no_byline;
  if (!known_no_byline && match_byline_line(text)) return true;
  return match_photo_credit(text).has_value();
}

// The rest of a word a column break cut off, at a paragraph's start: a sentence of at most three
// characters ending there ("果。…", "给养车。…"), a clause of one ("位，…"), or the particle 的,
// which never starts a sentence.
bool starts_with_word_rest(std::string_view t) {
  std::size_t i = 0;
  for (int n = 0; n < 4 && i < t.size(); ++n) {
    const char32_t c = next_code_point(t, i);
    if (n == 0 && c == U'的') return true;
    if (c == U'。') return n > 0;
    if (c == U'，') return n == 1;
    if (!(char_class(c) & cc::han)) return false;
  }
  return false;
}

// Paragraphs before a repeat that are searched for its first print.
constexpr std::size_t repeat_window = 12;

// A paragraph printed twice, its second print set inside a sentence a column break cut ("…帮助农户解决"
// + the repeat + "春耕生产中遇到的…"): the paragraph before it stops mid-sentence, and it is one of
// the last few paragraphs again, word for word. It is left out; the cut sentence joins what
// follows it.
bool repeats_inside_a_cut_sentence(const std::vector<draft*>& merged, const draft& n) {
  if (merged.empty() || n.chars < 20 || n.p.blanks_before != 1 || n.p.furniture_before != 0) return false;
  const draft& open = *merged.back();
  if (open.last.ends || open.last.alone || open.p.md_level != 0 || !open.sentence_like) return false;
  const std::size_t from = merged.size() > repeat_window ? merged.size() - repeat_window : 0;
  for (std::size_t k = merged.size() - 1; k-- > from;) {
    if (merged[k]->text.view() == n.text.view()) return true;
  }
  return false;
}

// Pass 1: lines → paragraphs inside each block of consecutive non-blank lines.
std::vector<draft> join_wrapped_lines(const std::vector<page_line>& lines, const std::vector<line_facts>& facts,
                                      int typical) {
  std::vector<draft> drafts;
  drafts.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const page_line& line = lines[i];
    const line_facts& f = facts[i];
    bool join = false;
    bool dash_in_sentence = false;
    if (line.blanks_before == 0 && line.furniture_before == 0 && !drafts.empty()) {
      const draft& d = drafts.back();
      const bool hard_wrap = typical > 0 && !d.last.ends ? true
                             : typical > 0               ? d.last.columns + 3 >= typical
                                                         : d.last.end.mid_clause;
      // A first line half again as wide as the column's, ending without a cut clause, spans
      // columns: a headline over the text below it, not a line the column wrapped.
      // So does one wider than the next two lines, set alike: a headline over a narrow column (a
      // photo's title over its caption).
      const bool next_alike = i + 1 < lines.size() && lines[i + 1].blanks_before == 0 &&
                              lines[i + 1].furniture_before == 0 && std::abs(facts[i + 1].columns - f.columns) <= 2;
      const bool wider = 2 * d.last.columns > 3 * typical || (next_alike && d.last.columns >= f.columns + 6);
      const bool spans_columns =
          typical > 0 && d.p.line_count == 1 && wider && !d.last.end.mid_clause && !d.sentence_like && !d.last.ends;
      // A brief's source on the first line of its paragraph signs the brief off: the next line
      // starts the next brief (after a headline line, "（作品品鉴）" is that headline's column tag).
      const bool signed_off = d.p.line_count == 1 && d.first.source;
      // A line starting with a dash between full lines of a sentence the column wrapped is that
      // sentence's ("…也改变不了" / "——我的中国心！”8月中旬的" / "内蒙古…"), not a subtitle.
      dash_in_sentence = typical > 0 && line.text.starts_with("——") && d.sentence_like && !d.last.ends &&
                         !d.last.alone && d.last.columns + 3 >= typical && !f.ends && i + 1 < lines.size() &&
                         lines[i + 1].blanks_before == 0 && lines[i + 1].furniture_before == 0;
      join = d.p.md_level == 0 && (f.continues || dash_in_sentence ||
                                   (!f.starts && !d.last.alone && hard_wrap && !spans_columns && !signed_off));
      if (!join && f.alone && !d.last.alone && !d.last.ends && d.chars <= 12) {
        // a byline or credit wrapped over two lines: "本报记者 宋" + "崇飞 摄"
        joined_text both = d.text;
        both.join(joined_text(line.text));
        join = is_formulaic_alone(both.view());
      }
    }
    const std::size_t chars = f.chars;
    const bool sentence_like = f.sentence_like;
    if (join) {
      draft& d = drafts.back();
      d.join(joined_text(line.text), f, chars, sentence_like);
      d.p.line_count += 1;
      if (dash_in_sentence) d.last.alone = false;
      if (f.alone || d.chars <= 24) d.last.alone = d.last.alone || is_formulaic_alone(d.text.view());
    } else {
      drafts.push_back(draft{paragraph{{}, line.blanks_before, line.furniture_before, line.md_level, 1, false},
                             joined_text(line.text), f, f, chars, sentence_like});
    }
  }
  return drafts;
}

// A narrow column: three or more one-line pieces of at most narrow_chars characters, each after
// one blank line, two or more of them with clause punctuation. Its pieces are one text cut at
// every line, not headings or a list (whose lines carry no clause punctuation).
std::vector<bool> narrow_column(const std::vector<draft>& drafts) {
  std::vector<bool> narrow(drafts.size(), false);
  constexpr std::size_t narrow_chars = 14;
  auto piece = [&](const draft& d) {
    return d.p.line_count == 1 && d.chars <= narrow_chars && !d.first.alone && d.p.md_level == 0 &&
           d.p.furniture_before == 0;
  };
  for (std::size_t i = 0; i < drafts.size();) {
    std::size_t j = i;
    int punctuated = 0;
    while (j < drafts.size() && piece(drafts[j]) && (j == i || drafts[j].p.blanks_before == 1)) {
      punctuated += drafts[j].sentence_like || drafts[j].last.end.mid_clause ? 1 : 0;
      ++j;
    }
    if (j - i >= 3 && punctuated >= 2)
      std::fill(narrow.begin() + static_cast<std::ptrdiff_t>(i), narrow.begin() + static_cast<std::ptrdiff_t>(j), true);
    i = std::max(j, i + 1);
  }
  return narrow;
}

// Whether drafts[i], after one blank line, continues the last paragraph of merged: a sentence
// a column break cut.
bool cut_by_column_break(const std::vector<draft*>& merged, const std::vector<draft>& drafts, std::size_t i,
                         const std::vector<bool>& narrow, int typical) {
  const draft& n = drafts[i];
  if (merged.empty() || n.p.blanks_before != 1 || n.p.furniture_before != 0 || n.first.starts || n.p.md_level != 0)
    return false;
  const draft* open = merged.back();
  const paragraph& c = open->p;
  const std::string_view c_text = open->text.view(), n_text = n.text.view();
  // A column of short lines, each cut by a blank line: the paragraph before was such a run.
  const bool wrapped_region =
      merged.size() >= 2 && merged[merged.size() - 2]->p.across_blank && merged[merged.size() - 2]->p.line_count >= 3;
  const bool unfinished = !open->last.ends && !open->last.alone && c.md_level == 0 && !ends_with_closing(c_text);
  // A paragraph ending in a colon introduces a list or a quote: it continues only into a
  // sentence, never into a heading or a list line.
  const bool colon_before_non_sentence = ends_with_colon(c_text) && !has_clause_punctuation(n_text);
  // The paragraph before the open one, if any.
  const draft* before = merged.size() >= 2 ? merged[merged.size() - 2] : nullptr;
  // A story's first line after a closing line ("（本报北京电）") is its headline, however it
  // is punctuated.
  const bool after_closing = open->chars <= 24 && before != nullptr && ends_with_closing(before->text.view());
  // One line that does not end a sentence or stop mid-clause: a headline line, or a clause cut.
  auto heading_piece = [](const draft& d) {
    return d.p.line_count == 1 && !d.p.across_blank && d.chars <= 24 && !d.last.ends && !d.last.end.mid_clause;
  };
  // A headline wrapped over a few lines: short, unpunctuated.
  auto wrapped_heading = [](const draft& d) {
    return d.p.line_count <= 3 && !d.p.across_blank && d.chars <= 24 && !d.sentence_like && !d.last.ends &&
           !d.last.end.mid_clause;
  };
  // It is a headline where it follows a finished paragraph, a formulaic line or another
  // headline line.
  const bool short_start =
      heading_piece(*open) && !open->first.dateline && before != nullptr &&
      (before->last.ends || before->last.alone || heading_piece(*before) || wrapped_heading(*before));
  const bool body_like =
      (open->last.end.mid_clause && !colon_before_non_sentence) ||
      (!colon_before_non_sentence && (c.line_count > 1 || c.across_blank || wrapped_region || typical > 0) &&
       open->sentence_like) ||
      (open->first.dateline && n.sentence_like) ||
      // a clause cut between words, longer than most headlines with a comma
      // and not into a headline that ends with its column tag ("…：田野上的文学社（解码）")
      (open->sentence_like && n.sentence_like && open->chars > 12 && !closes_bracket(c_text) &&
       !(closes_bracket(n_text) && !n.last.ends) && !n.first.dateline &&
       !(heading_piece(n) && c_text.find("。") == std::string::npos) && !(open->first.enumerated && open->chars <= 25));
  // A word cut by a column break ("…改善金融体系的结" + "构，进一步…") joins whatever the rest says;
  // so does an unfinished paragraph, headline-like or not, before a word's rest ("…巩固改革成" + "果。").
  // A short bracketed line cut by column breaks ("（本报伊斯" + "兰堡2月19" + "日电）") joins
  // its pieces until the bracket closes.
  // (The bracket is looked for last: the search reads the whole paragraph, which grows.)
  const bool bracket_cut = n.chars <= 24 && n.p.line_count == 1 && unclosed_bracket_tail(c_text) <= 24;
  // A headline, however it is punctuated, takes nothing after a blank line: a short paragraph
  // ending with its column tag; one line, not stopping mid-clause, of two or three phrases
  // parted by spaces, or naming a notice ("…公告"); one line, or two not ending a sentence,
  // the first half again as wide as the column's (a headline set across columns, wrapped
  // once).
  const bool one_line = c.line_count == 1 && !c.across_blank && !open->last.end.mid_clause;
  const bool spans_columns = typical > 0 && 2 * open->first.columns > 3 * typical;
  const bool headline =
      (open->chars <= 45 && !opens_bracket(c_text) && column_tag_start(c_text) != std::string_view::npos) ||
      (one_line && open->chars <= 50 && !open->last.ends && phrases_parted(c_text)) || (one_line && spans_columns) ||
      (c.line_count == 2 && !c.across_blank && open->chars <= 50 && !open->last.ends && spans_columns) ||
      (one_line && open->chars <= 50 && names_notice(c_text));
  return n.first.continues || bracket_cut || (unfinished && !after_closing && starts_with_word_rest(n_text)) ||
         (unfinished && !after_closing && !headline &&
          ((body_like && !short_start && !is_strong_heading(drafts, i)) || (narrow[i] && narrow[i - 1])));
}

}  // namespace

reflowed_page reflow(cleaned_page page) {
  const std::vector<page_line>& lines = page.lines;
  std::vector<line_facts> facts;
  facts.reserve(lines.size());
  std::vector<credit_match> credits;
  for (const auto& l : lines) facts.push_back(internal::facts_of(l, credits));
  const int typical = internal::typical_columns(lines, facts);
  std::vector<draft> drafts = join_wrapped_lines(lines, facts, typical);
  const std::vector<bool> narrow = narrow_column(drafts);

  // Pass 2: join paragraphs across one blank line where a column break cut a sentence.
  // The paragraphs so far: drafts, each joined in place with those that continue it.
  std::vector<draft*> merged;
  merged.reserve(drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    draft& n = drafts[i];
    if (repeats_inside_a_cut_sentence(merged, n)) continue;
    if (cut_by_column_break(merged, drafts, i, narrow, typical)) {
      draft& open = *merged.back();
      open.join(n.text, n.last, n.chars, n.sentence_like);
      open.p.line_count += n.p.line_count;
      open.p.across_blank = true;
    } else {
      merged.push_back(&n);
    }
  }
  reflowed_page out;
  out.credits = std::move(credits);  // never grows again: paragraphs point into it
  std::size_t copied_bytes = 0;
  for (const draft* d : merged) copied_bytes += d->text.copied() ? d->text.view().size() : 0;
  out.joined_bytes.reserve(copied_bytes);  // never grows past this: the views below stay valid
  out.paragraphs.reserve(merged.size());
  for (draft* d : merged) {
    d->p.clause_punctuation = d->sentence_like;
    d->p.chars = d->chars;
    if (d->p.line_count == 1) {  // its text is its line's
      const line_facts& f = d->first;
      d->p.line = {.read = true,
                   .no_byline = f.no_byline,
                   .dateline = f.dateline,
                   .end = f.end,
                   .enumerated = f.enumerated,
                   .credit = f.credit >= 0 ? &out.credits[static_cast<std::size_t>(f.credit)] : nullptr};
    }
    d->p.text = d->text.view();
    if (d->text.copied()) {
      const std::size_t at = out.joined_bytes.size();
      out.joined_bytes.insert(out.joined_bytes.end(), d->p.text.begin(), d->p.text.end());
      d->p.text = std::string_view(out.joined_bytes.data() + at, d->p.text.size());
    }
    out.paragraphs.push_back(d->p);
  }
  out.cleaned = std::move(page);  // line_bytes moves with its bytes where they are
  return out;
}

}  // namespace broadsheet::pipeline
