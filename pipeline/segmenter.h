#pragma once
// segmenter: paragraphs of one page → items (article, photo, notice, fragment) in reading order,
// with title, subtitle, kicker, section, dateline, bylines and captions filled in, and the text
// of every paragraph tidied (Chinese punctuation, layout spaces removed).
//
// Two page layouts are recognised:
//  - titles before the body (most pages): a heading group (kicker, title, subtitle, bylines)
//    opens an article when a dateline or byline follows it, or when no article is open; a heading
//    inside an open article is a subheading and stays in its body;
//  - titles after the body (some hard-wrapped pages): every story starts with its dateline or
//    byline and its heading group follows the body.
// The layout is chosen per page by comparing how much each heading group shares with the text
// before it and after it.

#include <string>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/reflow.h"

namespace broadsheet::pipeline {

enum class page_layout { titles_before, titles_after };

struct segmented_page {
  page_layout layout = page_layout::titles_before;
  std::vector<article> items;  // ids, page metadata and ordinals are filled by page_processor
};

[[nodiscard]] segmented_page segment(const std::vector<paragraph>& paragraphs,
                                     const std::vector<std::string>& default_photographers);

// Labels that name a page's section rather than a story ("政务要闻").
[[nodiscard]] bool is_section_label(std::string_view text) noexcept;

}  // namespace broadsheet::pipeline
