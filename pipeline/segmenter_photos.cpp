// segmenter::reader, 1. photos and markers: which paragraphs are captions, photo titles, credits
// and markers, and which are units for the page-level choice (segmenter_reader.h).
#include "pipeline/internal/segmenter_reader.h"
#include "pipeline/reflow.h"

namespace broadsheet::pipeline {

namespace {

// A sentence of text: not a headline, dateline, byline or sign-off.
bool plain_sentence(const paragraph_facts& f) {
  return f.sentence_end && !f.heading_like && !f.dateline && !f.byline_line && !f.closing && !f.note && !f.credit &&
         f.chars <= 80;
}

}  // namespace

// A caption: a credit at its end, a credit line right after it, an arrow before it, or a
// sentence standing alone after a photo gap (three or more blank lines). A headline right
// before a photo gap is the photo's title.
void segmenter::reader::place_paragraphs(bool titles_over_photos) {
  places_.assign(ps().size(), place::unit);
  units_.clear();
  for (std::size_t k = 0; k < ps().size(); ++k) {
    const paragraph_facts& f = facts_[k];
    const std::string_view t = ps()[k].text;
    if (f.credit && f.credit->caption_end == 0) {
      places_[k] = place::credit;
      continue;
    }
    if (f.continuation && f.continuation->body_offset == t.size()) {
      places_[k] = place::marker;
      continue;
    }
    if (f.jump_marker == 0) {
      places_[k] = place::marker;
      continue;
    }
    if (f.md_level > 0 || f.table_row || f.byline_line || f.subtitle) continue;
    const bool credit_next =
        k + 1 < ps().size() && facts_[k + 1].credit && facts_[k + 1].credit->caption_end == 0 && !f.byline_line;
    const bool inline_credit = f.credit && f.credit->caption_end > 0;
    const bool photo_gap = f.gap_before >= 3 && f.sentence_end && visible_chars(ps()[k]) <= 250 && !f.closing;
    if (inline_credit || credit_next || f.caption_arrow || photo_gap) {
      places_[k] = place::caption;
      // A caption set in a narrow column may be cut where a sentence ends flush with it: the
      // sentences of its block before it are the caption's too.
      for (std::size_t m = k; (inline_credit || credit_next) && m > 0 && facts_[m].gap_before == 0 &&
                              places_[m - 1] == place::unit && plain_sentence(facts_[m - 1]);
           --m) {
        places_[m - 1] = place::caption;
      }
      // A headline printed with its photo: before a photo gap, or in the caption's own block
      // (on its line before its arrow, "…（权威发布）⬅昨日，…", or on a line of its own above
      // it, both split from it by reflow).
      const bool with_photo = f.gap_before >= 3 || f.gap_before == 0;
      if (k > 0 && places_[k - 1] == place::unit && facts_[k - 1].heading_like && facts_[k - 1].md_level == 0 &&
          !facts_[k - 1].subtitle && with_photo) {
        places_[k - 1] = place::photo_title;
      }
    }
  }
  for (std::size_t k = 0; titles_over_photos && k < ps().size(); ++k) {
    if (places_[k] == place::photo_title && dated_text_after_photos(k)) places_[k] = place::unit;
  }
  for (std::size_t k = 0; k < ps().size(); ++k) {
    if (places_[k] == place::unit) units_.push_back(k);
  }
}

// The first unit after the photo title k and the photos under it starts with a dateline.
bool segmenter::reader::dated_text_after_photos(std::size_t k) const {
  std::size_t m = k + 1;
  while (m < ps().size() && places_[m] != place::unit) ++m;
  return m < ps().size() && facts_[m].dateline && !facts_[m].heading_like;
}

bool segmenter::reader::places_photo_title_over_dated_text() const {
  for (std::size_t k = 0; k < ps().size(); ++k) {
    if (places_[k] == place::photo_title && dated_text_after_photos(k)) return true;
  }
  return false;
}

}  // namespace broadsheet::pipeline
