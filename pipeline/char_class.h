#pragma once
// Character classes for the per-character hot path. The table is computed once from ICU's
// properties (script, general category, East Asian width) and then read with one array lookup,
// so cleaning never builds an icu::UnicodeString per character.

#include <cstdint>

namespace broadsheet::pipeline {

namespace cc {
constexpr std::uint8_t han = 1 << 0;        // Han ideograph (or kana/hangul: CJK text)
constexpr std::uint8_t cjk_punct = 1 << 1;  // wide punctuation used in CJK text: ，。、“”（）《》…—
constexpr std::uint8_t latin = 1 << 2;      // a letter of a non-CJK script
constexpr std::uint8_t digit = 1 << 3;      // 0-9 (after width folding)
constexpr std::uint8_t space = 1 << 4;      // any white space except line breaks and tab
constexpr std::uint8_t terminal = 1 << 5;   // ends a sentence: 。！？… and ASCII . ! ?
constexpr std::uint8_t control = 1 << 6;    // control or format character to drop (not \t \n)
}  // namespace cc

// The class bits of c (0 for anything else: symbols, marks, …).
[[nodiscard]] std::uint8_t char_class(char32_t c) noexcept;

// CJK text: a Han character or wide CJK punctuation.
[[nodiscard]] inline bool is_cjk(char32_t c) noexcept { return (char_class(c) & (cc::han | cc::cjk_punct)) != 0; }
[[nodiscard]] inline bool is_han(char32_t c) noexcept { return (char_class(c) & cc::han) != 0; }

// Full-width ASCII letters and digits (U+FF10-FF19, FF21-FF3A, FF41-FF5A) and the full-width
// symbols that are not Chinese punctuation (％ ＋ － ． ／ ＝ ＠ ＃ ＆ ＊ ＿) map to ASCII;
// ideographic and no-break spaces to ' '. Everything else maps to itself.
[[nodiscard]] char32_t fold_width(char32_t c) noexcept;

}  // namespace broadsheet::pipeline
