#pragma once
// byline: who wrote a story, by role, and the line that is only a byline ("本报记者 甲 乙",
// "本报通讯员 丙", "□丁"). Takes a normalised line (page_cleaner output, layout spaces still in
// place). The names are read by role keywords (internal/byline_names.h), which the dateline,
// photo credit and closing line recognisers share.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace broadsheet::pipeline {

struct byline {
  std::vector<std::string> reporters;
  std::vector<std::string> correspondents;
  std::vector<std::string> photographers;
  std::vector<std::string> authors;

  [[nodiscard]] bool empty() const noexcept {
    return reporters.empty() && correspondents.empty() && photographers.empty() && authors.empty();
  }
  void merge(const byline& other);  // appends names not present yet
};

// A line that is only a byline: "本报记者 甲 乙", "本报通讯员 丙", "记者 甲", "□丁" (author).
[[nodiscard]] std::optional<byline> match_byline_line(std::string_view line);

}  // namespace broadsheet::pipeline
