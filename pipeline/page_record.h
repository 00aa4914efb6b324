#pragma once
// The input contract (config/schema/page.schema.json): one newspaper page as extracted text.

#include <optional>
#include <string>

namespace broadsheet::pipeline {

struct page_record {
  std::string page_id;  // 1 to 256 characters, required
  std::string text;     // the page's extracted text, required
  std::optional<std::string> source;        // publication
  std::optional<std::string> edition_date;  // YYYY-MM-DD
  std::optional<std::string> page;          // page label such as "A02"
  std::optional<std::string> url;
  std::optional<std::string> fetched_at;  // RFC 3339
  // Not part of the contract: set by page_parser, whose parse has checked that text is valid
  // UTF-8 without U+0000, so that page_processor's cleaner does not read it again for that.
  // Whoever changes text after parsing sets it back to false.
  bool text_checked = false;
};

}  // namespace broadsheet::pipeline
