#include "pipeline/page_processor.h"

#include <chrono>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/reflow.h"
#include "pipeline/segmenter.h"

namespace broadsheet::pipeline {

page_processor::page_processor(processor_options options)
    : options_(options), parser_(options.parse), cleaner_(options.clean) {}

result<std::vector<article>> page_processor::process_json(std::string_view record) {
  auto page = parser_.parse(record);
  if (!page) return tl::unexpected(std::move(page.error()));
  return process(*page);
}

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Some line holds a word: an ideograph (or kana, hangul), a letter or a digit. A page of only
// punctuation, symbols and spaces (。。。, ……\n——) has nothing to publish. Stops at the first
// word, which on a real page is within its first characters.
bool has_words(const std::vector<page_line>& lines) noexcept {
  constexpr std::uint8_t word = cc::han | cc::latin | cc::digit;
  for (const auto& line : lines)
    for (std::size_t i = 0; i < line.text.size();)
      if ((char_class(internal::next_code_point(line.text, i)) & word) != 0) return true;
  return false;
}

}  // namespace

result<std::vector<article>> page_processor::process(const page_record& page, stage_times* times) {
  if (page.text.size() > options_.parse.max_record_bytes) [[unlikely]] {
    return fail(errc::record_too_large, "text has " + std::to_string(page.text.size()) + " bytes, limit " +
                                            std::to_string(options_.parse.max_record_bytes));
  }
  const auto started = clock_type::now();
  auto cleaned = cleaner_.clean(page.text, page.text_checked ? text_check::done : text_check::needed);
  if (times != nullptr) times->clean = seconds_since(started);
  if (!cleaned) return tl::unexpected(std::move(cleaned.error()));
  if (!cleaned->lines.empty() && !has_words(cleaned->lines)) [[unlikely]] {
    return fail(errc::no_content, "no ideograph, letter or digit after cleaning: only punctuation, symbols and spaces");
  }
  const auto cleaned_at = clock_type::now();
  const reflowed_page reflowed = reflow(std::move(*cleaned));
  segmented_page segmented = segmenter_.segment(reflowed.paragraphs, reflowed.cleaned.default_photographers);
  if (times != nullptr) times->segment = seconds_since(cleaned_at);
  if (segmented.items.empty()) {
    return fail(errc::no_content, "nothing but page furniture (" + std::to_string(reflowed.cleaned.furniture_lines) +
                                      " lines) after cleaning");
  }
  int ordinal = 0;
  for (article& a : segmented.items) {
    a.ordinal = ++ordinal;
    a.article_id = make_article_id(page.page_id, a.ordinal);
    a.page_id = page.page_id;
    a.source = page.source;
    a.edition_date = page.edition_date;
    a.page = page.page;
  }
  return std::move(segmented.items);
}

result<page_explanation> page_processor::explain(const page_record& page) {
  if (page.text.size() > options_.parse.max_record_bytes) [[unlikely]] {
    return fail(errc::record_too_large, "text over the record limit");
  }
  auto cleaned = cleaner_.clean(page.text);
  if (!cleaned) return tl::unexpected(std::move(cleaned.error()));
  page_explanation out;
  out.reflowed = reflow(std::move(*cleaned));
  segmented_page segmented =
      segmenter_.segment(out.reflowed.paragraphs, out.reflowed.cleaned.default_photographers, /*explain=*/true);
  out.trace = std::move(segmented.trace);
  out.items = std::move(segmented.items);
  return out;
}

}  // namespace broadsheet::pipeline
