#pragma once
// photo_credits: who took a page's photographs. The credit under one photo ("本报记者 甲 摄", alone
// or at the end of its caption) and the page's note on all of them ("（本版图片除署名外均由本报记者
// 甲摄）"). Takes a normalised line or paragraph (page_cleaner output, layout spaces still in place).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace broadsheet::pipeline {

// A photo credit "本报记者 甲 摄" / "甲 摄", either the whole line (caption_end == 0) or at the
// end of a caption ("…现场。 本报记者 甲 摄": caption_end is where the caption text ends).
struct credit_match {
  std::vector<std::string> photographers;
  std::size_t caption_end = 0;
};
[[nodiscard]] std::optional<credit_match> match_photo_credit(std::string_view text);

// The page's note on its photographs: "（本版图片除署名外均由本报记者甲摄）", "（本版摄影：本报记者
// 甲）". photographers: the names it gives (empty when none parse).
struct page_photo_note {
  std::vector<std::string> photographers;
};
[[nodiscard]] std::optional<page_photo_note> match_page_photo_note(std::string_view line);

}  // namespace broadsheet::pipeline
