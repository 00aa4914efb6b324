#pragma once
// closing_lines: the lines that sign a story off at its end. A dateline printed last, the writer
// or compiler, the reporters in brackets, an author note ("（作者为…）"), and a compiler's line
// unbracketed ("本报记者甲整理"). Takes a normalised line or paragraph (page_cleaner output, layout
// spaces still in place).

#include <optional>
#include <string>
#include <string_view>

namespace broadsheet::pipeline {

// "（作者为孟州市委书记）": the note inside the brackets ("孟州市委书记"), else nothing.
[[nodiscard]] std::optional<std::string> match_author_note(std::string_view line);

// A whole-paragraph bracket that signs a story off: a dateline printed at the end ("（本报北京1月
// 22日电）", "（本报北京、伦敦2月18日电 记者甲、乙）", "（据新华社柏林电 记者甲）"), the writer or compiler
// ("（执笔：甲）", "（甲整理）"), or an author note ("（作者为…）"); or, unbracketed, the compiler
// named after a role ("本报记者甲整理").
[[nodiscard]] bool is_closing_line(std::string_view paragraph);

}  // namespace broadsheet::pipeline
