#pragma once
// Character classes for the per-character hot path. The table is computed once from ICU's
// properties (script, general category, East Asian width) and then read with one array lookup,
// so cleaning never builds an icu::UnicodeString per character.

#include <atomic>
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
constexpr std::uint8_t nfc_maybe = 1 << 7;  // NFC may change text holding it (not quick-check yes, or ccc != 0)
}  // namespace cc

namespace detail {
// The BMP table, built from ICU on first use (thread-safe); nullptr until then.
extern std::atomic<const std::uint8_t*> bmp_classes;
const std::uint8_t* build_bmp_classes() noexcept;
std::uint8_t supplementary_class(char32_t c) noexcept;
// needs_nfkc_check's bits for the BMP (one per code point), the same way.
extern std::atomic<const std::uint64_t*> bmp_nfkc_maybe;
const std::uint64_t* build_bmp_nfkc_maybe() noexcept;
inline bool bmp_needs_nfkc_check(char32_t c) noexcept {
  const std::uint64_t* bits = bmp_nfkc_maybe.load(std::memory_order_acquire);
  if (bits == nullptr) [[unlikely]] bits = build_bmp_nfkc_maybe();
  return (bits[c >> 6] >> (c & 63)) & 1;
}
}  // namespace detail

// The class bits of every BMP character, a table indexed by code point: for a loop over many
// characters, which loads it once instead of once per character.
[[nodiscard]] inline const std::uint8_t* bmp_class_table() noexcept {
  const std::uint8_t* table = detail::bmp_classes.load(std::memory_order_acquire);
  if (table == nullptr) [[unlikely]] table = detail::build_bmp_classes();
  return table;
}

// The class bits of c (0 for anything else: symbols, marks, …). Inline: one load and one
// lookup on the per-character path.
[[nodiscard]] inline std::uint8_t char_class(char32_t c) noexcept {
  if (c < 0x10000) [[likely]] return bmp_class_table()[c];
  return detail::supplementary_class(c);
}

// CJK text: a Han character or wide CJK punctuation.
[[nodiscard]] inline bool is_cjk(char32_t c) noexcept { return (char_class(c) & (cc::han | cc::cjk_punct)) != 0; }
[[nodiscard]] inline bool is_han(char32_t c) noexcept { return (char_class(c) & cc::han) != 0; }
[[nodiscard]] inline bool needs_nfc_check(char32_t c) noexcept { return c >= 0x300 && (char_class(c) & cc::nfc_maybe) != 0; }
// NFKC may change text holding c (compatibility characters such as ①, ㈠, ﬁ, full-width forms).
// ASCII and the common ideographs are answered inline, and the rest of the BMP with one bit of a
// table: the dedup normaliser asks for every character that is not an ideograph (with a call
// for the rest, dedup/signature/128 ran at 468 MiB/s instead of 478).
// needs_nfkc_check_table: the same from the table (or ICU) alone, without the inline ranges.
[[nodiscard]] bool needs_nfkc_check_table(char32_t c) noexcept;
[[nodiscard]] inline bool needs_nfkc_check(char32_t c) noexcept {
  if (c < 0xA0 || (c >= 0x4E00 && c <= 0x9FFF)) return false;
  if (c >= 0x10000) [[unlikely]] return needs_nfkc_check_table(c);
  return detail::bmp_needs_nfkc_check(c);
}

// Full-width ASCII letters and digits (U+FF10-FF19, FF21-FF3A, FF41-FF5A) and the full-width
// symbols that are not Chinese punctuation (％ ＋ － ． ／ ＝ ＠ ＃ ＆ ＊ ＿) map to ASCII;
// ideographic and no-break spaces to ' '. Everything else maps to itself.
[[nodiscard]] char32_t fold_width(char32_t c) noexcept;

}  // namespace broadsheet::pipeline
