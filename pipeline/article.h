#pragma once
// The output contract (config/schema/article.schema.json): one item of a page.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/byline.h"

namespace broadsheet::pipeline {

enum class item_kind { article, photo, notice, fragment };
[[nodiscard]] std::string_view to_string(item_kind kind) noexcept;

struct article {
  std::string article_id;  // stable for (page_id, ordinal): see make_article_id
  int revision = 0;        // 0, then +1 for each correction
  std::string page_id;
  int ordinal = 0;  // 1-based position in reading order
  item_kind kind = item_kind::article;
  std::optional<std::string> title, subtitle, kicker, section, dateline;
  byline names;
  std::vector<std::string> paragraphs;
  std::string body;  // paragraphs joined by "\n"
  std::vector<std::string> captions;
  std::size_t char_count = 0;  // code points of body
  std::optional<std::string> continued_from;
  std::optional<std::string> source, edition_date, page;
  std::optional<std::string> duplicate_of;
  std::optional<double> similarity;
};

// "<16 hex digits of a fixed 64-bit hash of page_id>-<ordinal, at least 3 digits>".
[[nodiscard]] std::string make_article_id(std::string_view page_id, int ordinal);

}  // namespace broadsheet::pipeline
