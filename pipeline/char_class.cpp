#include "pipeline/char_class.h"

#include <array>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

namespace broadsheet::pipeline {

namespace {

std::uint8_t classify_base(char32_t c);

std::uint8_t nfc_bit(char32_t c) {
  const auto uc = static_cast<UChar32>(c);
  const bool inert = u_getIntPropertyValue(uc, UCHAR_NFC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(uc) == 0;
  return inert ? 0 : cc::nfc_maybe;
}

// NFKC quick-check not "yes", or a combining mark: NFKC may change text holding c.
bool nfkc_maybe(char32_t c) {
  const auto uc = static_cast<UChar32>(c);
  return u_getIntPropertyValue(uc, UCHAR_NFKC_QUICK_CHECK) != UNORM_YES || u_getCombiningClass(uc) != 0;
}

std::uint8_t classify_with_icu(char32_t c) {
  return static_cast<std::uint8_t>(classify_base(c) | nfc_bit(c));
}

std::uint8_t classify_base(char32_t c) {
  const auto uc = static_cast<UChar32>(c);
  if (c == '\t' || c == '\n' || c == '\r') return 0;
  if (c >= '0' && c <= '9') return cc::digit;
  if (c == '.' || c == '!' || c == '?') return cc::terminal;
  if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0x2026 || c == 0xFF0E) return cc::terminal | cc::cjk_punct;
  const auto category = static_cast<UCharCategory>(u_charType(uc));
  if (category == U_CONTROL_CHAR || category == U_FORMAT_CHAR) return cc::control;
  if (u_isUWhiteSpace(uc)) return cc::space;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(uc, &status);
  if (U_SUCCESS(status) && (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
                            script == USCRIPT_HANGUL || script == USCRIPT_BOPOMOFO)) {
    return cc::han;
  }
  if (c == 0x3007) return cc::han;  // 〇, a number ideograph of script Common
  const auto width = static_cast<UEastAsianWidth>(u_getIntPropertyValue(uc, UCHAR_EAST_ASIAN_WIDTH));
  const bool wide = width == U_EA_WIDE || width == U_EA_FULLWIDTH;
  if (u_ispunct(uc) && (wide || (c >= 0x2010 && c <= 0x206F) || c == 0x00B7)) return cc::cjk_punct;
  if (u_isalpha(uc)) return cc::latin;
  return 0;
}

}  // namespace

namespace detail {

std::atomic<const std::uint8_t*> bmp_classes{nullptr};

const std::uint8_t* build_bmp_classes() noexcept {
  static const std::array<std::uint8_t, 0x10000> table = [] {
    std::array<std::uint8_t, 0x10000> t{};
    for (char32_t c = 0; c < 0x10000; ++c) t[c] = classify_with_icu(c);
    return t;
  }();
  // Published after the thread-safe static initialisation; racing threads store the same value.
  bmp_classes.store(table.data(), std::memory_order_release);
  return table.data();
}

std::atomic<const std::uint64_t*> bmp_nfkc_maybe{nullptr};

const std::uint64_t* build_bmp_nfkc_maybe() noexcept {
  static const std::array<std::uint64_t, 0x10000 / 64> bits = [] {
    std::array<std::uint64_t, 0x10000 / 64> b{};
    for (char32_t c = 0; c < 0x10000; ++c) b[c >> 6] |= std::uint64_t{nfkc_maybe(c)} << (c & 63);
    return b;
  }();
  bmp_nfkc_maybe.store(bits.data(), std::memory_order_release);
  return bits.data();
}

std::uint8_t supplementary_class(char32_t c) noexcept {
  if (c >= 0x20000 && c <= 0x3FFFF) return cc::han;  // CJK extension planes
  return classify_with_icu(c);
}

}  // namespace detail

bool needs_nfkc_check_table(char32_t c) noexcept {
  return c < 0x10000 ? detail::bmp_needs_nfkc_check(c) : nfkc_maybe(c);
}

char32_t fold_width(char32_t c) noexcept {
  if (c >= 0xFF01 && c <= 0xFF5E) {
    const char32_t ascii = c - 0xFF01 + 0x21;
    const bool alnum = (ascii >= '0' && ascii <= '9') || (ascii >= 'A' && ascii <= 'Z') || (ascii >= 'a' && ascii <= 'z');
    switch (ascii) {
      case '%': case '+': case '-': case '.': case '/': case '=': case '@': case '#': case '&': case '*': case '_':
        return ascii;
      default: return alnum ? ascii : c;
    }
  }
  if (c == 0x3000 || c == 0x00A0 || c == 0x2002 || c == 0x2003 || c == 0x2009 || c == 0x202F) return ' ';
  return c;
}

}  // namespace broadsheet::pipeline
