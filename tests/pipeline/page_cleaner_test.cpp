#include "pipeline/page_cleaner.h"

#include <gtest/gtest.h>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {
namespace {

std::vector<std::string> texts(const cleaned_page& p) {
  std::vector<std::string> out;
  for (const auto& l : p.lines) out.emplace_back(l.text);
  return out;
}

// A cleaned page's lines view the page's own bytes: they stay whole when the page moves and when
// its cleaner goes on to clean another page.
TEST(page_cleaner, keeps_a_pages_lines_whole_when_the_page_moves_and_its_cleaner_cleans_another) {
  page_cleaner c;
  auto first = c.clean("甲乙\n\n丙");
  ASSERT_TRUE(first);
  const cleaned_page moved = std::move(*first);
  auto second = c.clean("丁戊己庚\n辛");
  ASSERT_TRUE(second);
  EXPECT_EQ(texts(moved), (std::vector<std::string>{"甲乙", "丙"}));
  EXPECT_EQ(texts(*second), (std::vector<std::string>{"丁戊己庚", "辛"}));
}

TEST(page_cleaner, folds_full_width_letters_and_digits_but_keeps_chinese_punctuation) {
  page_cleaner c;
  auto r = c.clean("ＧＤＰ增长５．２％，好！");
  ASSERT_TRUE(r);
  EXPECT_EQ(texts(*r), std::vector<std::string>{"GDP增长5.2%，好！"});
  // the commonest stops of a run of ideographs, at a line's end too
  auto stops = c.clean("会议，召开。\n好，。");
  ASSERT_TRUE(stops);
  EXPECT_EQ(texts(*stops), (std::vector<std::string>{"会议，召开。", "好，。"}));
}

// The cleaner copies runs of characters that need no change in one piece; each character on
// its own must still come out as the per-character rules say.
TEST(page_cleaner, every_bmp_character_between_ideographs_is_folded_dropped_spaced_or_kept) {
  page_cleaner c;
  for (char32_t cp = 1; cp < 0x10000; ++cp) {
    // Line breaks split lines, surrogates are not UTF-8, and NFC may change the neighbours of
    // a character it may change (covered above).
    if (cp == '\n' || cp == '\r' || cp == '\f' || (cp >= 0xD800 && cp <= 0xDFFF) || needs_nfc_check(cp)) continue;
    std::string character;
    internal::append_utf8(character, cp);
    auto r = c.clean("中" + character + "文。" + character + character + "甲");
    ASSERT_TRUE(r) << std::hex << static_cast<std::uint32_t>(cp);
    const char32_t folded = fold_width(cp);
    std::string expected;
    if (cp == '\t')
      expected = "中\t文。\t\t甲";
    else if (char_class(folded) & cc::control)
      expected = "中文。甲";
    else if (char_class(folded) & cc::space)
      expected = "中 文。 甲";
    else {
      std::string f;
      internal::append_utf8(f, folded);
      expected = "中" + f + "文。" + f + f + "甲";
    }
    ASSERT_EQ(texts(*r), std::vector<std::string>{expected}) << std::hex << static_cast<std::uint32_t>(cp);
  }
}

TEST(page_cleaner, normalises_to_nfc) {
  page_cleaner c;
  auto r = c.clean("Cafe\xCC\x81");  // e + combining acute
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lines[0].text, "Caf\xC3\xA9");
}

TEST(page_cleaner, collapses_white_space_and_counts_blank_lines) {
  page_cleaner c;
  auto r = c.clean("  第一行\u3000\u3000文字 \n\n\n第二行\r\n第三行\t甲\t乙 ");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->lines.size(), 3u);
  EXPECT_EQ(r->lines[0].text, "第一行 文字");
  EXPECT_EQ(r->lines[1].blanks_before, 2);
  EXPECT_EQ(r->lines[2].text, "第三行\t甲\t乙");
}

TEST(page_cleaner, strips_markdown_heading_markers_and_keeps_the_level) {
  page_cleaner c;
  auto r = c.clean("## 标题\n#话题标签\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lines[0].text, "标题");
  EXPECT_EQ(r->lines[0].md_level, 2);
  EXPECT_EQ(r->lines[1].md_level, 0);
}

TEST(page_cleaner, splits_a_continuation_marker_glued_to_the_markdown_heading_after_it) {
  page_cleaner c;
  auto r = c.clean("（上接A02版①）### 春耕备耕有序推进\n临河县各乡镇抓紧抓实农资储备。\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->lines.size(), 3u);
  EXPECT_EQ(r->lines[0].text, "（上接A02版①）");
  EXPECT_EQ(r->lines[0].md_level, 0);
  EXPECT_EQ(r->lines[1].text, "春耕备耕有序推进");
  EXPECT_EQ(r->lines[1].md_level, 3);
  EXPECT_EQ(r->lines[1].blanks_before, 0);
  // a marker before text stays with its text (the segmenter reads it there)
  auto text = c.clean("（上接A02版①）临河县各乡镇抓紧抓实农资储备。\n");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->lines.size(), 1u);
}

TEST(page_cleaner, removes_page_furniture) {
  page_cleaner c;
  auto r = c.clean(
      "—— 热烈庆祝青川日报创刊70周年 ——\n"
      "2025年3月18日 星期二\n"
      "■ 新闻热线:6612345 | ■ 编辑:林一 | 校对:王二\n"
      "正文。\n"
      "● ● ●\n"
      "（本版图片除署名外均由本报记者许安然摄）\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(texts(*r), std::vector<std::string>{"正文。"});
  EXPECT_EQ(r->furniture_lines, 5u);
  EXPECT_EQ(r->default_photographers, std::vector<std::string>{"许安然"});
}

TEST(page_cleaner, rejects_bad_text_with_reason_codes) {
  page_cleaner c(clean_limits{.max_line_bytes = 100});
  EXPECT_EQ(c.clean("\xc3\x28").error().code, errc::invalid_utf8);
  EXPECT_EQ(c.clean(std::string("a\0b", 3)).error().code, errc::nul_byte);
  EXPECT_EQ(c.clean(" \n\t\n").error().code, errc::empty_text);
  EXPECT_EQ(c.clean(std::string(101, 'x')).error().code, errc::line_too_long);
}

}  // namespace
}  // namespace broadsheet::pipeline
