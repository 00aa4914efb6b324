#pragma once
// line_furniture: which kind of page furniture a normalised line is, if any. Furniture is what a
// page prints around its stories (banners, the page's date, the editor line, end marks, the
// page's photo note); page_cleaner asks this of every line and drops those it names.

#include <string_view>

namespace broadsheet::pipeline {

// Kinds of page furniture a line can be, each recognised by its shape rather than its words;
// none for content.
//  - banner: a slogan between dashes ("—— … ——");
//  - page_date: a date with its weekday ("2025年3月18日 星期二");
//  - editor_line: two or more "field：name" entries between separators ("■ 编辑：甲 | 校对：乙");
//  - end_mark: symbols only ("★ ★ ★");
//  - page_photo_credit: the page's photo note ("（本版图片除署名外均由本报记者甲摄）").
enum class furniture { none, banner, page_date, editor_line, end_mark, page_photo_credit };
[[nodiscard]] furniture classify_furniture(std::string_view line) noexcept;

}  // namespace broadsheet::pipeline
