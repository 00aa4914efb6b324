#include "pipeline/shingles.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include <unicode/normalizer2.h>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {
namespace {

std::u32string normalized(std::string_view text, shingle_options o = {}) {
  shingler s(o);
  std::vector<std::uint64_t> out;
  s.shingle(text, out);
  return std::u32string(s.normalized());
}

TEST(shingles, normalisation_drops_punctuation_and_space_and_lowercases_latin) {
  EXPECT_EQ(normalized("临河县，召开 AI 会议。“GDP”增长5%！"), U"临河县召开ai会议gdp增长5");
}

TEST(shingles, normalisation_applies_nfkc_to_compatibility_characters) {
  EXPECT_EQ(normalized("第①项ﬁ"), U"第1项fi");
}

// NFKC of the whole text with ICU, the reference the segment-wise normalisation must equal.
std::string icu_nfkc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  nfkc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr, status);
  EXPECT_TRUE(U_SUCCESS(status));
  return out;
}

TEST(shingles, normalisation_of_any_text_equals_that_of_its_whole_text_nfkc) {
  // Code points that compose, decompose or map under NFKC, next to ones that do not: combining
  // marks after Latin letters and kana, half-width katakana and voiced marks, Hangul jamo,
  // full-width forms, circled and squared compatibility characters, ligatures.
  const std::u32string alphabet =
      U"甲乙丙丁临河县会议aAzZ09 ,.，。、：；！？（）“”【】ＡＺａｚ０９％＋－　①⑴㈱㎏ﬁ½"
      U"e\u0301\u0308\u0327\u0323o\u0302カｶﾞﾟ\u3099\u309Aか\u1100\u1161\u11A8가각Ωµ\u212B\u00C5\u2460\uF900丽";
  std::mt19937 rng(11);
  shingler a, b;
  std::vector<std::uint64_t> out;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 12);
    for (int k = 0; k < length; ++k) internal::append_utf8(text, alphabet[rng() % alphabet.size()]);
    a.shingle(text, out);
    b.shingle(icu_nfkc(text), out);
    ASSERT_EQ(a.normalized(), b.normalized()) << text;
  }
}

TEST(shingles, fast_path_normalises_as_the_general_path_does) {
  // Random texts of runs of ideographs (U+4000-4DFF and the common block) between everything
  // else the fast path passes or hands back: ASCII, full-width forms and CJK punctuation, code
  // points NFKC changes or composes (combining marks, circled digits, ﷺ whose NFKC is 18 code
  // points long), four-byte characters and bytes that are not UTF-8.
  const std::u32string alphabet =
      U"临河县会议甲乙丙丁\u4000\u4DB5\u4DC0\u9FA5\u9FFFaAzZ09 ,.%\n，。、：；！？（）“”《》ＡＺａｚ０９％＋－　"
      U"①⑴㈱㎏ﬁ½\uFDFAe\u0301\u0308\u0327o\u0302カｶﾞ\u3099か\u1100\u1161가Ωµ\u212B\u00C5\u00A0\uF900丽"
      U"\U00020000\U0002F800\U0001F600\U0001D400";
  const unsigned char not_utf8[] = {0x80, 0xBF, 0xC0, 0xC3, 0xE4, 0xE9, 0xEF, 0xF0, 0xF8, 0xFF};
  std::mt19937 rng(7);
  shingler fast, general;
  std::vector<std::uint64_t> out;
  for (int round = 0; round < 50000; ++round) {
    // given
    std::string text;
    const int pieces = static_cast<int>(rng() % 24);
    bool broken = false;
    for (int k = 0; k < pieces; ++k) {
      const auto kind = rng() % 8;
      if (kind < 3) {  // a run of ideographs
        for (auto run = rng() % 12; run > 0; --run) {
          internal::append_utf8(text, static_cast<char32_t>(rng() % 8 == 0 ? 0x4000 + rng() % 0xE00 : 0x4E00 + rng() % 0x5200));
        }
      } else if (kind < 7) {
        internal::append_utf8(text, alphabet[rng() % alphabet.size()]);
      } else if (round % 4 == 0) {
        text.push_back(static_cast<char>(not_utf8[rng() % sizeof not_utf8]));
        broken = true;
      }
    }
    // A byte that is not UTF-8 may be read as the lead of up to four: ASCII after it keeps both
    // paths' decoding inside text.
    if (broken) text += "end";
    // when
    fast.shingle(text, out);
    const std::u32string by_fast_path(fast.normalized());
    // then
    ASSERT_EQ(by_fast_path, general.normalize_one_at_a_time(text)) << testing::PrintToString(text);
  }
}

TEST(shingles, each_shingle_is_the_polynomial_hash_of_its_window) {
  // The rolling hash against the definition, window by window, for every n; and the normalised
  // text's hash, computed in the same loop, against hash_code_points.
  std::mt19937 rng(5);
  std::vector<std::uint64_t> out;
  for (int n = 1; n <= 16; ++n) {
    shingler s(shingle_options{.n = n});
    const std::uint64_t salt = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(n);
    for (int round = 0; round < 200; ++round) {
      // given
      std::string text;
      for (auto length = rng() % 40; length > 0; --length) {
        internal::append_utf8(text, rng() % 4 == 0 ? U"aZ7，"[rng() % 4] : static_cast<char32_t>(0x4E00 + rng() % 0x5200));
      }
      // when
      s.shingle(text, out);
      // then
      const std::u32string_view chars = s.normalized();
      const std::size_t width = std::min<std::size_t>(static_cast<std::size_t>(n), chars.size());
      ASSERT_EQ(out.size(), chars.empty() ? 0 : chars.size() - width + 1);
      for (std::size_t k = 0; k < out.size(); ++k) {
        std::uint64_t h = 0;
        for (std::size_t j = k; j < k + width; ++j) h = h * internal::fnv_prime + chars[j] + 1;
        ASSERT_EQ(out[k], mix64(h ^ salt)) << "n " << n << " window " << k;
      }
      ASSERT_EQ(s.normalized_hash(), hash_code_points(chars));
    }
  }
}

TEST(shingles, ideographs_need_no_nfkc) {
  // normalize() keeps U+4000-U+9FFF as they are, and needs_nfkc_check answers U+4E00-U+9FFF
  // without its table: ICU's table must agree.
  for (char32_t c = 0x4000; c <= 0x9FFF; ++c) {
    ASSERT_FALSE(needs_nfkc_check_table(c)) << std::hex << static_cast<std::uint32_t>(c);
  }
}

TEST(shingles, one_hash_per_character_window) {
  shingler s;
  std::vector<std::uint64_t> out;
  s.shingle("一二三四五六七", out);  // 7 characters, n = 5
  EXPECT_EQ(out.size(), 3u);
  s.shingle("一二三", out);
  EXPECT_EQ(out.size(), 1u);  // shorter than n: one shingle of all of it
  s.shingle("，。 ", out);
  EXPECT_TRUE(out.empty());
}

TEST(shingles, same_window_same_hash_whatever_surrounds_it) {
  shingler s;
  std::vector<std::uint64_t> a, b;
  s.shingle("甲乙丙丁戊", a);
  s.shingle("子甲乙丙丁戊丑", b);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NE(std::find(b.begin(), b.end(), a[0]), b.end());
}

TEST(shingles, hashes_are_fixed_across_builds) {
  // Pinned values: signatures are persisted and shared; a change here is a format change.
  shingler s;
  std::vector<std::uint64_t> out;
  s.shingle("甲乙丙丁戊", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], 0x7a267589cf85e65cULL) << std::hex << out[0];
  EXPECT_EQ(hash_code_points(U"甲乙"), 0xa61cc1d1b29e6da4ULL) << std::hex << hash_code_points(U"甲乙");
}

TEST(shingles, word_shingles_come_from_icu_word_break) {
  shingler s(shingle_options{.unit = shingle_unit::words, .n = 2});
  std::vector<std::uint64_t> out;
  s.shingle("Hello big world, hello big world.", out);
  std::set<std::uint64_t> distinct(out.begin(), out.end());
  EXPECT_EQ(out.size(), 5u);       // 6 words → 5 bigrams
  EXPECT_EQ(distinct.size(), 3u);  // hello big, big world, world hello
}

}  // namespace
}  // namespace broadsheet::pipeline
