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
};

}  // namespace broadsheet::pipeline
