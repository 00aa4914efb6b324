#pragma once
// tidy: the text of a paragraph once its role is known. Removes the layout spaces page_cleaner
// kept (bylines and title separators need them until then) and turns half-width punctuation in
// Chinese context into Chinese punctuation; a heading keeps the spaces that separate its segments.

#include <string>
#include <string_view>

namespace broadsheet::pipeline {

// Text of a sentence paragraph: half-width punctuation in Chinese context becomes Chinese
// punctuation ("," → "，", "(" → "（"), and every layout space touching CJK text or between CJK
// and digits is removed ("群 众 ， 这 是" → "群众，这是", "7 月20日" → "7月20日"). Spaces between
// Latin words, and between Latin and CJK, stay.
[[nodiscard]] std::string tidy_sentence(std::string_view text);

// Text of a heading or list line: the same punctuation rule, but a space between two multi-
// character CJK segments is a separator and stays ("争先进位 创新驱动"); letter-spacing and
// spaces beside punctuation and digits go.
[[nodiscard]] std::string tidy_heading(std::string_view text);

}  // namespace broadsheet::pipeline
