// segmenter::reader, 4. items: the articles, photos, notices and fragments built from the chosen
// reading of the page, their fields filled in and their text tidied (segmenter_reader.h).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/byline.h"
#include "pipeline/internal/hash.h"
#include "pipeline/internal/segmenter_reader.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/jump_markers.h"
#include "pipeline/reflow.h"
#include "pipeline/tidy.h"

namespace broadsheet::pipeline {

namespace {

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

// A paragraph of at least this many bytes (some thirty Han characters) that another paragraph of
// its item starts or ends with is a part of that one printed twice (a shorter one may be a
// speaker's name and post over the paragraph that starts with them).
constexpr std::size_t part_printed_twice_bytes = 90;
// Paragraphs either side of one searched for its other print (bounds the work on a long item).
constexpr std::size_t part_window = 32;

// Drops each paragraph that a longer paragraph of the same item starts or ends with: a paragraph
// printed twice, one print cut short by a column break or parted in two ("…每月更新一次" beside
// "…每月更新一次。"; "甲。乙。" beside "甲。" and "乙。"). drop: a buffer kept for the page (a
// byte a paragraph: a vector<bool> costs a shift and a mask each time, and an allocation an item).
void drop_parts_printed_twice(std::vector<std::string>& paragraphs, std::vector<std::uint8_t>& drop) {
  drop.assign(paragraphs.size(), 0);
  bool any = false;
  for (std::size_t i = 0; i < paragraphs.size(); ++i) {
    const std::string& p = paragraphs[i];
    if (p.size() < part_printed_twice_bytes) continue;
    const std::size_t from = i > part_window ? i - part_window : 0;
    const std::size_t to = std::min(paragraphs.size(), i + part_window + 1);
    for (std::size_t j = from; j < to && !drop[i]; ++j) {
      const std::string& q = paragraphs[j];
      if (j != i && !drop[j] && q.size() > p.size() && (q.starts_with(p) || q.ends_with(p))) {
        drop[i] = 1;
        any = true;
      }
    }
  }
  if (!any) return;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < paragraphs.size(); ++i) {
    if (drop[i]) continue;
    if (kept != i) paragraphs[kept] = std::move(paragraphs[i]);
    ++kept;
  }
  paragraphs.resize(kept);
}

}  // namespace

segmenter::reader::draft& segmenter::reader::new_item(item_kind kind, std::size_t first_paragraph) {
  draft& d = drafts_.emplace_back();
  d.a.kind = kind;
  d.first_paragraph = first_paragraph;
  d.raw.reserve(8);
  return d;
}

// Gives the headline run [i, j) to d: title, kicker, subtitle, section, bylines.
void segmenter::reader::assign_headline(draft& d, std::size_t i, std::size_t j) {
  article& a = d.a;
  const std::size_t title = title_of(i, j);
  std::vector<std::string> kickers;
  for (std::size_t k = i; k < j; ++k) {
    const paragraph_facts& f = uf(k);
    const std::string_view t = ut(k);
    if (f.byline_line) {
      a.names.merge(*f.byline_line);
      continue;
    }
    if (f.subtitle) {
      std::string_view s = t;
      while (s.starts_with("——") || s.starts_with("—")) s.remove_prefix(s.starts_with("——") ? 6 : 3);
      std::string sub = tidy_heading(s);
      if (!a.subtitle)
        a.subtitle = std::move(sub);
      else
        *a.subtitle += " " + sub;
      continue;
    }
    if (k == title) {
      a.title = tidy_heading(t);
      continue;
    }
    if (k > title) {
      // A column's label printed after the title and subtitle, before the bylines ("民生观察").
      if (f.label_like) kickers.push_back(tidy_heading(t));
      continue;
    }
    if (is_section_label(t)) {
      a.section = tidy_heading(t);
      continue;
    }
    kickers.push_back(tidy_heading(t));
  }
  if (!kickers.empty()) {
    std::string k;
    for (const auto& s : kickers) k += (k.empty() ? "" : " ") + s;
    a.kicker = std::move(k);
  }
}

// Adds unit u's paragraph to d's body: a dateline opening the story goes to its fields, a byline
// line and an author note to its names, a continuation marker to continued_from.
void segmenter::reader::add_body(draft& d, std::size_t u) {
  const std::size_t k = units_[u];
  const paragraph_facts& f = facts_[k];
  std::string_view text = ps()[k].text;
  if (f.byline_line) {
    d.a.names.merge(*f.byline_line);
    return;
  }
  if (f.author_note) {
    if (d.a.names.authors.empty() && !f.author_note->empty()) d.a.names.authors.push_back(*f.author_note);
    return;
  }
  if (f.table_row) {
    d.has_table = true;
    d.raw.push_back({text, true, true});
    return;
  }
  if (f.continuation) {
    if (!d.a.continued_from) d.a.continued_from = f.continuation->from;
    text.remove_prefix(f.continuation->body_offset);
  }
  if (f.dateline && d.raw.empty() && !d.a.dateline) {
    d.a.dateline = f.dateline->dateline;
    d.a.names.merge(f.dateline->names);
    text.remove_prefix(f.dateline->body_offset);
  } else if (f.dateline && d.a.dateline) {
    // The dated first paragraph printed twice: the second print is the first without its dateline.
    const std::string_view rest = text.substr(f.dateline->body_offset);
    for (const raw_paragraph& r : d.raw) {
      if (r.text == rest) return;
    }
  }
  // The paragraph's jump marker is in its facts unless its start was taken off above.
  const bool whole = text.size() == ps()[k].text.size();
  if (const std::size_t cut = whole ? f.jump_marker : find_jump_marker(text); cut != std::string_view::npos) {
    text = text.substr(0, cut);
  }
  if (text.empty()) return;
  const bool part = text.size() != ps()[k].text.size();
  const bool clause = part ? has_clause_punctuation(text) : ps()[k].clause_punctuation;
  d.raw.push_back({text, f.heading_like || !clause, false});
}

std::vector<article> segmenter::reader::build() {
  drafts_.clear();
  drafts_.reserve(ps().size());
  int current = -1;  // the story taking text, -1 for none
  int last_photo = -1;
  std::size_t next_paragraph = 0;  // photos, credits and markers before this are placed
  std::optional<std::string> pending_continuation;
  std::optional<std::string> section;
  bool titled_photo = false;  // the last photo has its title and waits for its caption
  auto place_between = [&](std::size_t upto) {
    for (; next_paragraph < upto; ++next_paragraph) {
      const std::size_t k = next_paragraph;
      const paragraph_facts& f = facts_[k];
      switch (places_[k]) {
        case place::unit: break;
        case place::marker:
          if (f.continuation) pending_continuation = f.continuation->from;
          break;
        case place::credit: {
          if (last_photo >= 0 && drafts_[last_photo].a.names.photographers.empty()) {
            drafts_[last_photo].a.names.photographers = f.credit->photographers;
          } else if (current >= 0) {
            byline b;
            b.photographers = f.credit->photographers;
            drafts_[current].a.names.merge(b);
          }
          break;
        }
        case place::photo_title: {
          draft& d = new_item(item_kind::photo, k);
          d.a.title = tidy_heading(ps()[k].text);
          last_photo = static_cast<int>(drafts_.size()) - 1;
          titled_photo = true;
          break;
        }
        case place::caption: {
          std::string_view caption = ps()[k].text;
          // A caption goes on in the same block (a narrow column cut it where a sentence ended).
          const bool goes_on = k > 0 && places_[k - 1] == place::caption && f.gap_before == 0 && last_photo >= 0;
          if (!titled_photo && !goes_on) {
            new_item(item_kind::photo, k);
            last_photo = static_cast<int>(drafts_.size()) - 1;
          }
          titled_photo = false;
          draft& d = drafts_[last_photo];
          if (f.credit && f.credit->caption_end > 0) {
            d.a.names.photographers = f.credit->photographers;
            caption = caption.substr(0, f.credit->caption_end);
          }
          caption.remove_prefix(caption_arrow_length(caption));
          while (!caption.empty() && caption.front() == ' ') caption.remove_prefix(1);
          d.raw.push_back({caption, false, false});
          break;
        }
      }
    }
  };
  auto open_story = [&](item_kind kind, std::size_t first_paragraph) {
    draft& d = new_item(kind, first_paragraph);
    if (section) d.a.section = section;
    if (pending_continuation) {
      d.a.continued_from = std::move(pending_continuation);
      pending_continuation.reset();
    }
    current = static_cast<int>(drafts_.size()) - 1;
    return current;
  };
  for (const choice& c : choices_) {
    place_between(units_[c.first]);
    switch (c.act) {
      case action::drop: break;
      case action::open: {
        const int d = open_story(item_kind::article, units_[c.first]);
        assign_headline(drafts_[d], c.first, c.end);
        if (drafts_[d].a.section) section = drafts_[d].a.section;
        ++titled_;
        break;
      }
      case action::close: {
        if (current >= 0) {
          assign_headline(drafts_[current], c.first, c.end);
          if (drafts_[current].a.kind == item_kind::fragment) drafts_[current].a.kind = item_kind::article;
          ++titled_;
          ++closes_;
        }
        current = -1;
        break;
      }
      case action::cut:
        open_story(item_kind::fragment, units_[c.first]);
        add_body(drafts_[current], c.first);
        break;
      case action::body:
        if (current < 0) open_story(item_kind::fragment, units_[c.first]);
        if (pending_continuation && !drafts_[current].a.continued_from) {
          drafts_[current].a.continued_from = std::move(pending_continuation);
          pending_continuation.reset();
        }
        add_body(drafts_[current], c.first);
        break;
    }
    next_paragraph = std::max(next_paragraph, units_[c.end - 1] + 1);
  }
  place_between(ps().size());
  // Items come out in reading order; most pages already made them in it, and a sort that finds
  // nothing to do still moves every article through a buffer and back.
  const auto reading_order = [](const draft& a, const draft& b) { return a.first_paragraph < b.first_paragraph; };
  if (!std::is_sorted(drafts_.begin(), drafts_.end(), reading_order)) {
    std::stable_sort(drafts_.begin(), drafts_.end(), reading_order);
  }
  return finish();
}

std::vector<article> segmenter::reader::finish() {
  std::vector<article> out;
  out.reserve(drafts_.size());
  item_starts_.clear();
  // The item's paragraphs of more than 7 characters kept so far, so that a paragraph printed twice
  // comes out once: an open-addressing table of (hash, position in a.paragraphs + 1), 0 for a free
  // slot, at most half full. It is made anew for each item in one buffer kept for the page: an
  // item has a few paragraphs, and a hash set's node per paragraph cost more than the search.
  std::vector<std::pair<std::size_t, std::size_t>> seen;
  for (auto& d : drafts_) {
    article& a = d.a;
    const std::size_t slots = std::bit_ceil(2 * d.raw.size() + 1);
    seen.assign(slots, {0, 0});
    a.paragraphs.reserve(d.raw.size());
    for (const auto& [raw, heading, verbatim] : d.raw) {
      std::string text = verbatim ? std::string(raw) : heading ? tidy_heading(raw) : tidy_sentence(raw);
      if (text.empty()) continue;
      a.paragraphs.push_back(std::move(text));
      const std::string& p = a.paragraphs.back();
      if (visible_chars_at_most(p, 7)) continue;
      const std::size_t hash = paragraph_hash{}(p);
      std::size_t slot = hash & (slots - 1);
      bool printed_before = false;
      for (; seen[slot].second != 0; slot = (slot + 1) & (slots - 1)) {
        if (seen[slot].first == hash && a.paragraphs[seen[slot].second - 1] == p) {
          printed_before = true;
          break;
        }
      }
      if (printed_before)
        a.paragraphs.pop_back();
      else
        seen[slot] = {hash, a.paragraphs.size()};
    }
    drop_parts_printed_twice(a.paragraphs, dropped_);
    // A headline without text is no article (its story is elsewhere, or it is furniture).
    if (a.paragraphs.empty()) continue;
    if (a.kind == item_kind::photo) {
      a.captions = a.paragraphs;
      if (a.names.photographers.empty()) a.names.photographers = *default_photographers_;
    }
    if (a.kind == item_kind::article && (d.has_table || (a.title && names_notice(*a.title)))) {
      a.kind = item_kind::notice;
    }
    std::size_t body_size = a.paragraphs.size();
    for (const auto& p : a.paragraphs) body_size += p.size();
    a.body.reserve(body_size);
    for (const auto& p : a.paragraphs) {
      if (!a.body.empty()) a.body.push_back('\n');
      a.body += p;
    }
    a.char_count = internal::count_code_points(a.body);
    out.push_back(std::move(a));
    item_starts_.push_back(d.first_paragraph);
  }
  return out;
}

}  // namespace broadsheet::pipeline
