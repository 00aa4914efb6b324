#pragma once
// Recognisers for the small, formulaic lines of a Chinese newspaper page that carry metadata
// rather than text: datelines with their bylines, byline lines, photo credits, continuation
// markers and author notes. Each takes a normalised line or paragraph (page_cleaner output,
// layout spaces still in place) and returns what it found, or nothing.
//
// Names are parsed by role keywords (记者, 通讯员, 见习记者, 摄影, …) rather than by spaces, so
// "记者郭树勋通讯员赵小平" (a byline whose layout spaces were lost in a hard wrap) still parses.

#include <cstddef>
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

// "（作者为孟州市委书记）": the note inside the brackets ("孟州市委书记"), else nothing.
[[nodiscard]] std::optional<std::string> match_author_note(std::string_view line);

// A whole-paragraph bracket that signs a story off: a dateline printed at the end ("（本报北京1月
// 22日电）", "（本报北京、伦敦2月18日电 记者甲、乙）", "（据新华社柏林电 记者甲）"), the writer or compiler
// ("（执笔：甲）", "（甲整理）"), or an author note ("（作者为…）"); or, unbracketed, the compiler
// named after a role ("本报记者甲整理").
[[nodiscard]] bool is_closing_line(std::string_view paragraph);

}  // namespace broadsheet::pipeline
