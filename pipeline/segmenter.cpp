#include "pipeline/segmenter.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>
#include <optional>
#include <span>
#include <unordered_set>

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/internal/hash.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/page_cleaner.h"
#include "pipeline/internal/text.h"

namespace broadsheet::pipeline {

using internal::contains;

using internal::next_code_point;

namespace {

enum class role {
  body, heading, subtitle, section, byline_line, credit, caption, dateline_body, continuation, author_note, table_row
};


struct classified {
  const paragraph* p = nullptr;
  role r = role::body;
  bool sentence_end = false;  // ends_sentence(p->text): asked of most paragraphs more than once
  std::optional<dateline_match> dateline;
  std::optional<byline> names;
  std::optional<credit_match> credit;
  std::optional<continuation_match> continuation;
  std::optional<std::string> note;
};

bool has_full_stop(std::string_view t) noexcept {
  return contains(t, "。") || contains(t, "！") || contains(t, "？");
}

bool heading_shaped(const classified& c) {
  if (c.p->md_level > 0) return true;
  const std::string_view t = c.p->text;
  // The tests of the end first: they settle most body paragraphs (which end a sentence) cheaply.
  if (c.sentence_end || ends_mid_clause(t)) return false;
  if ((t.starts_with("（") || t.starts_with("(")) && (t.ends_with("）") || t.ends_with(")"))) return false;  // a note
  return visible_chars_at_most(t, 50) && !has_full_stop(t);
}

std::vector<classified> classify(const std::vector<paragraph>& ps) {
  std::vector<classified> out(ps.size());
  for (std::size_t i = 0; i < ps.size(); ++i) {
    classified& c = out[i];
    c.p = &ps[i];
    const std::string_view t = ps[i].text;
    c.sentence_end = ends_sentence(t);
    if (ps[i].md_level > 0) { c.r = is_section_label(t) ? role::section : role::heading; continue; }
    if (t.find('\t') != std::string_view::npos) { c.r = role::table_row; continue; }
    if (auto credit = match_photo_credit(t)) {
      c.credit = std::move(credit);
      c.r = c.credit->caption_end == 0 ? role::credit : role::caption;
      continue;
    }
    if ((c.continuation = match_continuation(t))) { c.r = role::continuation; continue; }
    if ((c.dateline = match_dateline(t))) { c.r = role::dateline_body; continue; }
    if ((c.names = match_byline_line(t))) { c.r = role::byline_line; continue; }
    if ((c.note = match_author_note(t))) { c.r = role::author_note; continue; }
    if (t.starts_with("——") && visible_chars_at_most(t, 100)) { c.r = role::subtitle; continue; }
    if (caption_arrow_length(t) > 0) { c.r = role::caption; continue; }
    if (is_section_label(t)) { c.r = role::section; continue; }
    c.r = heading_shaped(c) ? role::heading : role::body;
  }
  // Captions by context: the paragraph before a credit line, or a short sentence standing in an
  // image gap (two or more blank lines on both sides, or at the end of the page).
  for (std::size_t i = 0; i < out.size(); ++i) {
    classified& c = out[i];
    if (c.r != role::body) continue;
    const bool before_credit = i + 1 < out.size() && out[i + 1].r == role::credit;
    const bool gap_before = c.p->blanks_before >= 2 && c.sentence_end;
    const bool in_gap = gap_before && visible_chars_at_most(c.p->text, 200) &&
                        (i + 1 == out.size() || out[i + 1].p->blanks_before >= 2 || out[i + 1].r == role::caption);
    // The last of a run of captions may be followed by text after a single blank line.
    const bool ends_caption_run = gap_before && i > 0 && out[i - 1].r == role::caption &&
                                  visible_chars_at_most(c.p->text, 60);
    if (before_credit || in_gap || ends_caption_run) c.r = role::caption;
  }
  return out;
}

// --- layout detection -------------------------------------------------------------------------

// Han character bigrams of a heading (a few dozen), sorted for lookups.
std::vector<std::uint64_t> heading_bigrams(std::string_view t, std::vector<std::uint64_t> out) {
  char32_t prev = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (!is_han(c)) { prev = 0; continue; }
    if (prev != 0) out.push_back((static_cast<std::uint64_t>(prev) << 32) | c);
    prev = c;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A bit per hash of a heading's bigrams: a bigram of the text compared with the heading whose bit
// is clear is not in the heading, and most are passed over without a search.
class bigram_filter {
 public:
  explicit bigram_filter(const std::vector<std::uint64_t>& heading) {
    for (const std::uint64_t b : heading) bits_.set(slot(b));
  }
  [[nodiscard]] bool may_hold(std::uint64_t b) const { return bits_.test(slot(b)); }

 private:
  static constexpr std::size_t size = 1024;  // a few dozen bigrams leave most bits clear
  static std::size_t slot(std::uint64_t b) { return static_cast<std::size_t>(internal::mix64(b) % size); }
  std::bitset<size> bits_;
};

// Marks in seen every heading bigram that occurs in t.
void mark_shared(const std::vector<std::uint64_t>& heading, const bigram_filter& filter, std::string_view t,
                 std::vector<bool>& seen) {
  char32_t prev = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (!is_han(c)) { prev = 0; continue; }
    const std::uint64_t bigram = (static_cast<std::uint64_t>(prev) << 32) | c;
    if (prev != 0 && filter.may_hold(bigram)) {
      const auto it = std::lower_bound(heading.begin(), heading.end(), bigram);
      if (it != heading.end() && *it == bigram) seen[it - heading.begin()] = true;
    }
    prev = c;
  }
}

double shared_fraction(const std::vector<bool>& seen) {
  if (seen.empty()) return 0;
  return static_cast<double>(std::count(seen.begin(), seen.end(), true)) / static_cast<double>(seen.size());
}

bool is_heading_role(role r) { return r == role::heading || r == role::subtitle; }
bool is_text_role(role r) { return r == role::body || r == role::dateline_body; }

page_layout detect_layout(const std::vector<classified>& cs) {
  const auto first = std::find_if(cs.begin(), cs.end(), [](const classified& c) {
    return c.r != role::caption && c.r != role::credit && c.r != role::section;
  });
  if (first == cs.end() || (first->r != role::dateline_body && first->r != role::byline_line)) {
    return page_layout::titles_before;
  }
  // For every heading group with text on both sides: how much of it appears before vs after.
  // A few groups decide it; a long page need not be read twice over.
  constexpr int groups_needed = 4;
  int groups = 0;
  double before = 0, after = 0;
  std::size_t i = 0;
  while (i < cs.size() && groups < groups_needed) {
    if (!is_heading_role(cs[i].r)) { ++i; continue; }
    std::size_t j = i;
    std::vector<std::uint64_t> heading;
    while (j < cs.size() && (is_heading_role(cs[j].r) || cs[j].r == role::section)) {
      heading = heading_bigrams(cs[j++].p->text, std::move(heading));
    }
    const bigram_filter filter(heading);
    // A headline's words are in its story's lead: compare with the first text paragraph of the
    // story before the group and of the story after it.
    std::vector<bool> prev(heading.size()), next(heading.size());
    bool prev_text = false, next_text = false;
    std::size_t lead = i;
    for (std::size_t k = i; k-- > 0 && !is_heading_role(cs[k].r);) {
      if (is_text_role(cs[k].r)) lead = k;
    }
    if (lead != i) { mark_shared(heading, filter, cs[lead].p->text, prev); prev_text = true; }
    for (std::size_t k = j; k < cs.size() && !is_heading_role(cs[k].r); ++k) {
      if (is_text_role(cs[k].r)) { mark_shared(heading, filter, cs[k].p->text, next); next_text = true; break; }
    }
    if (prev_text && next_text) {
      before += shared_fraction(prev);
      after += shared_fraction(next);
      ++groups;
    }
    i = j;
  }
  return before > after * 1.25 + 0.1 ? page_layout::titles_after : page_layout::titles_before;
}

// --- building items ---------------------------------------------------------------------------

bool is_label_like(std::string_view t) {
  return visible_chars_at_most(t, 16) && !is_sentence_like(t);
}

// Hashes a paragraph by its size and its first and last eight bytes, without a pass over the
// whole text: paragraphs of one item rarely share all three (equal hashes are compared whole).
struct paragraph_hash {
  std::size_t operator()(std::string_view s) const noexcept {
    constexpr std::size_t word = sizeof(std::uint64_t);
    std::uint64_t head = 0, tail = 0;
    std::memcpy(&head, s.data(), std::min(word, s.size()));
    if (s.size() > word) std::memcpy(&tail, s.data() + s.size() - word, word);
    return static_cast<std::size_t>(internal::mix64(head ^ internal::mix64(tail ^ s.size())));
  }
};

// A paragraph of an item before tidying: a view into the page's paragraphs.
struct raw_paragraph {
  std::string_view text;
  bool heading = false;   // tidied as a heading; counts towards a list-like notice
  bool verbatim = false;  // has a tab (a table row): kept as it is
};

struct item_draft {
  article a;
  std::vector<raw_paragraph> raw_paragraphs;
  bool has_table = false;
  bool closed = false;  // takes no more body text (photos)
};

class builder {
 public:
  builder(const std::vector<classified>& cs, const std::vector<std::string>& default_photographers)
      : cs_(cs), default_photographers_(default_photographers) {}

  std::vector<article> build(page_layout layout) {
    // Items are far fewer than paragraphs: one allocation, and no draft (a whole article) moved by
    // regrowth.
    items_.reserve(cs_.size());
    for (std::size_t i = 0; i < cs_.size(); ++i) {
      if (layout == page_layout::titles_before) step_titles_before(i);
      else step_titles_after(i);
    }
    if (layout == page_layout::titles_after && current_ >= 0 && !pending_.empty()) assign_group(current_);
    flush_pending_as_text();
    return finish();
  }

 private:
  // Titles before the body.
  void step_titles_before(std::size_t i) {
    const classified& c = cs_[i];
    switch (c.r) {
      case role::section: section_ = tidy_heading(c.p->text); pending_.push_back(i); break;
      case role::heading: case role::subtitle: case role::byline_line: pending_.push_back(i); break;
      case role::dateline_body: start_article(item_kind::article); add_dateline(c); break;
      case role::body: {
        const bool has_byline = std::any_of(pending_.begin(), pending_.end(),
                                            [&](std::size_t k) { return cs_[k].r == role::byline_line; });
        const bool has_subtitle = std::any_of(pending_.begin(), pending_.end(),
                                              [&](std::size_t k) { return cs_[k].r == role::subtitle; });
        const bool has_top_heading = std::any_of(pending_.begin(), pending_.end(), [&](std::size_t k) {
          return cs_[k].p->md_level == 1 || cs_[k].p->md_level == 2;
        });
        const bool has_heading = std::any_of(pending_.begin(), pending_.end(),
                                             [&](std::size_t k) { return cs_[k].r == role::heading; });
        const bool new_announcement =
            has_heading && (current_signed_off() || std::any_of(pending_.begin(), pending_.end(), [&](std::size_t k) {
                              return cs_[k].r == role::heading && is_announcement_title(cs_[k].p->text);
                            }));
        if (has_byline || has_subtitle || has_top_heading || new_announcement || (has_heading && !text_open())) {
          start_article(item_kind::article);
        } else if (!text_open() || starts_elsewhere(i)) {
          flush_pending_as_text();
          start_fragment(std::nullopt);
        } else {
          flush_pending_as_text();
        }
        add_text(c.p->text, false, *c.p);
        break;
      }
      case role::caption: add_caption(i, /*title_from_pending=*/true); break;
      case role::credit: add_credit(*c.credit); break;
      case role::continuation: add_continuation(c); break;
      case role::author_note: add_author_note(*c.note); break;
      case role::table_row: add_table_row(c); break;
    }
  }

  // Titles after the body: a dateline or byline opens a story, the headings after it name it.
  void step_titles_after(std::size_t i) {
    const classified& c = cs_[i];
    switch (c.r) {
      case role::section: section_ = tidy_heading(c.p->text); break;
      case role::heading: case role::subtitle: pending_.push_back(i); break;
      case role::dateline_body: case role::byline_line: {
        if (current_ >= 0 && !pending_.empty()) assign_group(current_);
        flush_pending_as_text();
        open_item(item_kind::article);
        if (c.r == role::dateline_body) add_dateline(c);
        else items_[current_].a.names.merge(*c.names);
        break;
      }
      case role::body:
        flush_pending_as_text();
        if (!text_open() || starts_elsewhere(i)) start_fragment(std::nullopt);
        add_text(c.p->text, false, *c.p);
        break;
      case role::caption:
        if (current_ >= 0 && !pending_.empty()) assign_group(current_);
        flush_pending_as_text();
        add_caption(i, /*title_from_pending=*/false);
        current_ = last_photo_;
        break;
      case role::credit: add_credit(*c.credit); break;
      case role::continuation: add_continuation(c); break;
      case role::author_note: add_author_note(*c.note); break;
      case role::table_row: add_table_row(c); break;
    }
  }

  bool text_open() const { return current_ >= 0 && !items_[current_].closed; }

  // A paragraph that cannot begin a story in this article: it starts with punctuation or with a
  // conjunction ("以及…") right after a finished paragraph: the rest of a story from elsewhere.
  bool starts_elsewhere(std::size_t i) const {
    if (i == 0 || !cs_[i - 1].sentence_end) return false;
    const std::string_view t = cs_[i].p->text;
    std::size_t k = 0;
    const char32_t c = next_code_point(t, k);
    const bool punct = c == 0xFF0C || c == 0x3001 || c == 0x3002 || c == 0xFF1B || c == ',' || c == ';';
    return punct || t.starts_with("以及") || t.starts_with("并且") || t.starts_with("而且");
  }

  int open_item(item_kind kind) {
    item_draft& d = items_.emplace_back();
    d.raw_paragraphs.reserve(8);  // most items have a few paragraphs: one allocation, not three
    d.a.kind = kind;
    if (section_) d.a.section = section_;
    current_ = static_cast<int>(items_.size()) - 1;
    return current_;
  }

  void start_article(item_kind kind) {
    const std::size_t title_at = group_title_index();
    // Headings before the group's own kicker and title belong to what came before.
    const auto group_start = pending_.begin() + static_cast<std::ptrdiff_t>(group_start_index(title_at));
    emit_as_text({pending_.begin(), group_start});
    pending_.erase(pending_.begin(), group_start);
    open_item(kind);
    assign_group(current_);
  }

  void start_fragment(std::optional<std::string> from) {
    open_item(item_kind::fragment);
    items_[current_].a.continued_from = std::move(from);
  }

  // Index in pending_ of the title: the last heading before the first subtitle, else the last
  // heading; npos when there is none.
  std::size_t group_title_index() const {
    std::size_t first_sub = pending_.size();
    for (std::size_t k = 0; k < pending_.size(); ++k) {
      if (cs_[pending_[k]].r == role::subtitle) { first_sub = k; break; }
    }
    std::size_t title = std::string_view::npos;
    for (std::size_t k = 0; k < first_sub; ++k) {
      if (cs_[pending_[k]].r == role::heading) title = k;
    }
    if (title == std::string_view::npos) {
      for (std::size_t k = 0; k < pending_.size(); ++k) {
        if (cs_[pending_[k]].r == role::heading) title = k;
      }
    }
    return title;
  }

  // Where the heading group of the title at title_at starts: the title itself, or the label-like
  // heading right before it (a kicker), or a section label right before either.
  std::size_t group_start_index(std::size_t title_at) const {
    if (title_at == std::string_view::npos) return 0;
    // A notice's sign-off (issuer, date) before the title closes what came before.
    std::size_t floor = 0;
    for (std::size_t k = 0; k < title_at; ++k) {
      if (is_sign_off(cs_[pending_[k]].p->text)) floor = k + 1;
    }
    std::size_t start = title_at;
    if (start > 0 && cs_[pending_[start - 1]].r == role::heading && is_label_like(cs_[pending_[start - 1]].p->text) &&
        cs_[pending_[start - 1]].p->md_level == cs_[pending_[title_at]].p->md_level && start - 1 >= floor) {
      --start;
    }
    while (start > floor && (cs_[pending_[start - 1]].r == role::section || cs_[pending_[start - 1]].r == role::byline_line)) {
      --start;
    }
    return start;
  }

  // Gives the pending heading group to item `to`: title, subtitle, kicker, bylines, section.
  void assign_group(int to) {
    article& a = items_[to].a;
    const std::size_t title_at = group_title_index();
    std::vector<std::string> kickers;
    for (std::size_t k = 0; k < pending_.size(); ++k) {
      const classified& c = cs_[pending_[k]];
      switch (c.r) {
        case role::heading:
          if (k == title_at && !a.title) a.title = tidy_heading(c.p->text);
          else kickers.push_back(tidy_heading(c.p->text));
          break;
        case role::subtitle: {
          std::string_view t = c.p->text;
          while (t.starts_with("——") || t.starts_with("—")) t.remove_prefix(t.starts_with("——") ? 6 : 3);
          std::string sub = tidy_heading(t);
          if (!a.subtitle) a.subtitle = std::move(sub);
          else *a.subtitle += " " + sub;
          break;
        }
        case role::byline_line: a.names.merge(*c.names); break;
        case role::section: a.section = tidy_heading(c.p->text); break;
        default: break;
      }
    }
    if (!kickers.empty()) {
      std::string k;
      for (const auto& s : kickers) k += (k.empty() ? "" : " ") + s;
      a.kicker = std::move(k);
    }
    pending_.clear();
  }

  // Never changes pending_, so it may be given a part of it.
  void emit_as_text(std::span<const std::size_t> idx) {
    for (std::size_t k : idx) {
      const classified& c = cs_[k];
      if (c.r == role::section) continue;
      if (c.r == role::byline_line) {
        if (current_ >= 0) items_[current_].a.names.merge(*c.names);
        continue;
      }
      if (!text_open()) {
        // A headline whose story is not on this page (or not found): an item of its own.
        open_item(item_kind::article);
        items_[current_].a.title = tidy_heading(c.p->text);
        continue;
      }
      add_text(c.p->text, true, *c.p);
    }
  }

  void flush_pending_as_text() {
    emit_as_text(pending_);
    pending_.clear();  // keeps its capacity for the next group
  }

  // Adds text (a paragraph, or the part of one after a dateline or marker) to the open item.
  // clause_punctuation: what reflow found for the whole paragraph; recomputed for a part.
  void add_text(std::string_view text, bool heading, const paragraph& whole) {
    const bool part = text.size() != whole.text.size();
    if (const std::size_t cut = find_jump_marker(text); cut != std::string_view::npos) text = text.substr(0, cut);
    if (text.empty()) return;
    const bool clause = part ? has_clause_punctuation(text) : whole.clause_punctuation;
    // Only a markdown heading can hold a tab here: classify makes every other paragraph with one
    // a table row, which never comes through add_text.
    const bool verbatim = whole.md_level > 0 && text.find('\t') != std::string_view::npos;
    items_[current_].raw_paragraphs.push_back({text, heading || !clause, verbatim});
  }

  void add_dateline(const classified& c) {
    article& a = items_[current_].a;
    a.dateline = c.dateline->dateline;
    a.names.merge(c.dateline->names);
    add_text(std::string_view(c.p->text).substr(c.dateline->body_offset), false, *c.p);
  }

  void add_caption(std::size_t i, bool title_from_pending) {
    const classified& c = cs_[i];
    std::optional<std::string> title;
    if (title_from_pending && !pending_.empty() && cs_[pending_.back()].r == role::heading &&
        c.p->blanks_before >= 2) {
      title = tidy_heading(cs_[pending_.back()].p->text);
      pending_.pop_back();
    }
    flush_pending_as_text();
    std::string_view caption = c.p->text;
    std::vector<std::string> photographers;
    if (c.credit) {
      caption = caption.substr(0, c.credit->caption_end);
      photographers = c.credit->photographers;
    }
    caption.remove_prefix(caption_arrow_length(caption));
    while (!caption.empty() && caption.front() == ' ') caption.remove_prefix(1);
    const int keep_current = current_;
    last_photo_ = open_item(item_kind::photo);
    current_ = keep_current;
    item_draft& d = items_[last_photo_];
    d.a.title = std::move(title);
    d.a.names.photographers = std::move(photographers);
    d.closed = true;
    d.raw_paragraphs.push_back({caption, false, false});  // a caption is never a table row: no tab
  }

  void add_credit(const credit_match& credit) {
    if (last_photo_ >= 0 && items_[last_photo_].a.names.photographers.empty()) {
      items_[last_photo_].a.names.photographers = credit.photographers;
    } else if (current_ >= 0) {
      byline b;
      b.photographers = credit.photographers;
      items_[current_].a.names.merge(b);
    }
  }

  void add_continuation(const classified& c) {
    const bool titled = std::any_of(pending_.begin(), pending_.end(),
                                    [&](std::size_t k) { return cs_[k].r == role::heading; });
    if (titled) start_article(item_kind::article);
    else { flush_pending_as_text(); start_fragment(std::nullopt); }
    items_[current_].a.continued_from = c.continuation->from;
    add_text(std::string_view(c.p->text).substr(c.continuation->body_offset), false, *c.p);
  }

  void add_author_note(const std::string& note) {
    flush_pending_as_text();
    if (current_ < 0) return;
    article& a = items_[current_].a;
    if (a.names.authors.empty() && !note.empty()) a.names.authors.push_back(note);
  }

  void add_table_row(const classified& c) {
    if (!text_open() || !pending_.empty()) {
      const bool titled = std::any_of(pending_.begin(), pending_.end(),
                                      [&](std::size_t k) { return cs_[k].r == role::heading; });
      if (titled && !text_open()) start_article(item_kind::notice);
      else flush_pending_as_text();
      if (!text_open()) open_item(item_kind::notice);
    }
    items_[current_].has_table = true;
    items_[current_].raw_paragraphs.push_back({c.p->text, true, true});
  }

  // A notice names itself at the end of its title: "…评审结果公示", "关于…的通知", "光荣榜".
  static bool is_notice_title(std::string_view t) {
    return is_announcement_title(t) || t.ends_with("名单") || t.ends_with("光荣榜");
  }

  // A headline that starts an announcement of its own even without a dateline. "名单" and
  // "光荣榜" are left out: they also head the lists inside a notice.
  static bool is_announcement_title(std::string_view t) {
    // Each word two characters: one comparison of the title's last six bytes with each.
    if (t.size() < 6) return false;
    const std::string_view last_two = t.substr(t.size() - 6);
    static constexpr std::array<std::string_view, 8> words{"公示", "公告", "通告", "通知",
                                                           "启事", "声明", "讣告", "告示"};
    return std::find(words.begin(), words.end(), last_two) != words.end();
  }

  // How a notice ends: with its date alone on a line ("2025年3月18日") or with "特此公告".
  static bool is_sign_off(std::string_view line) {
    if (line.starts_with("特此")) return true;
    std::size_t digits = 0;
    for (std::size_t i = 0; i < line.size();) {
      const char32_t c = next_code_point(line, i);
      if (c >= '0' && c <= '9') { ++digits; continue; }
      if (c != U'年' && c != U'月' && c != U'日' && c != ' ') return false;
    }
    return digits >= 6 && line.ends_with("日");
  }

  // The open item has ended as a notice ends, in its own text or in the headings pending since.
  bool current_signed_off() const {
    if (current_ < 0) return false;
    const auto& raw = items_[current_].raw_paragraphs;
    if (!raw.empty() && is_sign_off(raw.back().text)) return true;
    return std::any_of(pending_.begin(), pending_.end(), [&](std::size_t k) { return is_sign_off(cs_[k].p->text); });
  }

  std::vector<article> finish() {
    std::vector<article> out;
    out.reserve(items_.size());
    // The item's paragraphs of more than 7 characters kept so far: views into a.paragraphs, which
    // never reallocates. A shorter one is never looked up, and never equal to a longer one. One
    // set for the page, emptied for each item.
    std::unordered_set<std::string_view, paragraph_hash> seen;
    for (auto& d : items_) {
      article& a = d.a;
      seen.clear();
      seen.reserve(d.raw_paragraphs.size());
      std::size_t list_like = 0;
      a.paragraphs.reserve(d.raw_paragraphs.size());
      for (const auto& [raw, heading, verbatim] : d.raw_paragraphs) {
        std::string text = verbatim ? std::string(raw) : heading ? tidy_heading(raw) : tidy_sentence(raw);
        if (text.empty()) continue;
        a.paragraphs.push_back(std::move(text));
        // A paragraph printed twice comes out again: one hash and lookup, the insert's.
        if (!visible_chars_at_most(a.paragraphs.back(), 7) && !seen.insert(a.paragraphs.back()).second) {
          a.paragraphs.pop_back();
          continue;
        }
        list_like += heading;
      }
      if (a.kind == item_kind::photo) {
        a.captions = a.paragraphs;
        if (a.names.photographers.empty()) a.names.photographers = default_photographers_;
      }
      if (a.kind == item_kind::article &&
          (d.has_table || (a.title && is_notice_title(*a.title)) ||
           (a.paragraphs.size() >= 3 && list_like * 2 > a.paragraphs.size()))) {
        a.kind = item_kind::notice;
      }
      if (!a.title && a.paragraphs.empty()) continue;
      std::size_t body_size = a.paragraphs.size();  // the text and a '\n' after each but the last
      for (const auto& p : a.paragraphs) body_size += p.size();
      a.body.reserve(body_size);
      for (const auto& p : a.paragraphs) {
        if (!a.body.empty()) a.body.push_back('\n');
        a.body += p;
      }
      a.char_count = internal::count_code_points(a.body);
      out.push_back(std::move(a));
    }
    return out;
  }

  const std::vector<classified>& cs_;
  const std::vector<std::string>& default_photographers_;
  std::vector<item_draft> items_;
  std::vector<std::size_t> pending_;  // indices into cs_ of headings, subtitles, bylines, sections
  std::optional<std::string> section_;
  int current_ = -1;     // the item that takes body text, -1 for none
  int last_photo_ = -1;  // the last photo item, for a credit line that follows it
};

}  // namespace

bool is_section_label(std::string_view t) noexcept {
  // Every label is short and has no punctuation, so one that matches is also label-like
  // (visible_chars_at_most(t, 6) and not is_sentence_like): the list alone decides, and a text
  // of another length is passed over by its size.
  static constexpr std::array<std::string_view, 18> labels{
      "政务要闻", "要闻", "时政要闻", "本地新闻", "综合新闻", "社会新闻", "国内新闻", "国际新闻", "经济新闻",
      "县区新闻", "民生新闻", "文体新闻", "专版", "专刊", "副刊", "理论", "评论", "时评"};
  return std::find(labels.begin(), labels.end(), t) != labels.end();
}

segmented_page segment(const std::vector<paragraph>& paragraphs, const std::vector<std::string>& default_photographers) {
  const std::vector<classified> cs = classify(paragraphs);
  segmented_page page;
  page.layout = detect_layout(cs);
  builder b(cs, default_photographers);
  page.items = b.build(page.layout);
  return page;
}

}  // namespace broadsheet::pipeline
