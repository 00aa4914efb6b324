#include "pipeline/char_class.h"

#include <gtest/gtest.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>

namespace broadsheet::pipeline {
namespace {

TEST(char_class, classifies_cjk_latin_digits_and_punctuation) {
  EXPECT_TRUE(is_han(U'中'));
  EXPECT_TRUE(is_han(U'〇'));
  EXPECT_TRUE(is_han(0x20000));  // CJK extension B
  EXPECT_FALSE(is_han(U'a'));
  EXPECT_TRUE(char_class(U'，') & cc::cjk_punct);
  EXPECT_TRUE(char_class(U'“') & cc::cjk_punct);
  EXPECT_TRUE(char_class(U'。') & cc::terminal);
  EXPECT_TRUE(char_class(U'。') & cc::cjk_punct);  // reflow counts "，" and "。" wide undecoded
  EXPECT_TRUE(char_class(U'a') & cc::latin);
  EXPECT_TRUE(char_class(U'7') & cc::digit);
  EXPECT_TRUE(char_class(0x3000) & cc::space);
  EXPECT_TRUE(char_class(0x200B) & cc::control);
  EXPECT_EQ(char_class(U'\t'), 0);
}

// match_photo_credit decodes only ASCII and characters outside U+4000-U+9FFF in search of a
// sentence's end: no other character may end one.
TEST(char_class, sentence_ends_are_ascii_or_outside_the_common_ideographs) {
  for (char32_t c = 0; c < 0x80; ++c) {
    EXPECT_EQ((char_class(c) & cc::terminal) != 0, c == '.' || c == '!' || c == '?') << static_cast<int>(c);
  }
  for (char32_t c = 0x4000; c <= 0x9FFF; ++c) EXPECT_EQ(char_class(c) & cc::terminal, 0) << static_cast<int>(c);
}

TEST(char_class, folds_full_width_letters_digits_and_symbols) {
  EXPECT_EQ(fold_width(U'Ａ'), U'A');
  EXPECT_EQ(fold_width(U'５'), U'5');
  EXPECT_EQ(fold_width(U'％'), U'%');
  EXPECT_EQ(fold_width(U'，'), U'，');  // Chinese punctuation stays
  EXPECT_EQ(fold_width(U'（'), U'（');
  EXPECT_EQ(fold_width(0x3000), U' ');
}

TEST(char_class, needs_nfkc_check_answers_as_icu_for_every_code_point) {
  // The inline ranges (ASCII, the common ideographs) and the BMP bits against ICU's properties.
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    const auto u = static_cast<UChar32>(c);
    const bool maybe = u_getIntPropertyValue(u, UCHAR_NFKC_QUICK_CHECK) != UNORM_YES || u_getCombiningClass(u) != 0;
    ASSERT_EQ(needs_nfkc_check(c), maybe) << std::hex << static_cast<std::uint32_t>(c);
  }
}

}  // namespace
}  // namespace broadsheet::pipeline
