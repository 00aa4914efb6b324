#pragma once
// text_shape: what a line of text looks like, the predicates reflow, the paragraph facts and the
// segmenter share: whether it ends a sentence or stops mid-clause, whether it has clause
// punctuation, whether it starts with a number or a caption's arrow, where the column tag that
// ends a headline starts, how many visible characters it has.

#include <cstddef>
#include <string_view>

namespace broadsheet::pipeline {

[[nodiscard]] bool ends_sentence(std::string_view text) noexcept;    // 。！？… possibly before ”）
[[nodiscard]] bool ends_mid_clause(std::string_view text) noexcept;  // ，、：；“《（ and ASCII , : ; (
// Both of the above, the last character decoded once (reflow and the evidence ask both of every
// line and paragraph).
struct text_end {
  bool sentence = false;    // ends_sentence(text)
  bool mid_clause = false;  // ends_mid_clause(text)
};
[[nodiscard]] text_end how_it_ends(std::string_view text) noexcept;
// Ends with a colon, wide or narrow: the line leads into what follows (a quote, a list, a title).
// A text that opens with a bracket, wide or narrow, and one that closes with one.
[[nodiscard]] inline bool opens_bracket(std::string_view text) noexcept {
  return text.starts_with("（") || text.starts_with("(");
}
[[nodiscard]] inline bool closes_bracket(std::string_view text) noexcept {
  return text.ends_with("）") || text.ends_with(")");
}
[[nodiscard]] inline bool ends_with_colon(std::string_view text) noexcept {
  return text.ends_with("：") || text.ends_with(':');
}
// "一、" "（一）" "(一)" "1.": a numbered line (a section heading inside a text, or a list item).
[[nodiscard]] bool starts_enumerated(std::string_view text) noexcept;
[[nodiscard]] bool is_sentence_like(std::string_view text) noexcept;  // has ，、；：。！？ or ASCII , ; :
// Like is_sentence_like but without the colon, which also introduces list lines such as
// "传统技艺：甲（竹编） 乙（剪纸）" whose spaces separate entries.
[[nodiscard]] bool has_clause_punctuation(std::string_view text) noexcept;
[[nodiscard]] std::size_t visible_chars(std::string_view text) noexcept;  // code points, spaces excluded
// Byte length of an arrow that points a caption at its photo ("➡", "⬅", …) at the start, else 0.
[[nodiscard]] std::size_t caption_arrow_length(std::string_view text) noexcept;
[[nodiscard]] bool visible_chars_at_most(std::string_view text, std::size_t limit) noexcept;  // stops early
// Where the bracketed column tag that ends the text starts ("…（思想纵横）"), npos without one.
[[nodiscard]] std::size_t column_tag_start(std::string_view text) noexcept;

// "（柯文）", "(刘诗瑶)": a short text of Han characters and brackets only, given one wholly in
// brackets: a brief's source.
[[nodiscard]] bool is_bracketed_name(std::string_view text) noexcept;

// A notice names itself at the end of its title: "…评审结果公示", "关于…的通知", "…名单",
// "光荣榜".
[[nodiscard]] bool names_notice(std::string_view text) noexcept;

// Two or three headline phrases parted by spaces ("万泉河清 琼海更美"), each at most 24
// characters, with two Han characters on each side of a space; never a bracket.
[[nodiscard]] bool phrases_parted(std::string_view text) noexcept;

}  // namespace broadsheet::pipeline
