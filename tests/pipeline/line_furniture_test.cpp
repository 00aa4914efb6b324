#include "pipeline/line_furniture.h"

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

TEST(line_furniture, does_not_take_sentences_for_furniture) {
  EXPECT_EQ(classify_furniture("——看临河县如何推动产业转型"), furniture::none);
  EXPECT_EQ(classify_furniture("2025年3月18日，临河县召开会议。"), furniture::none);
  EXPECT_EQ(classify_furniture("编辑部全体人员参加了培训。"), furniture::none);
}

// classify_furniture asks a line that opens with an ideograph only whether it is an editor line:
// these open with the characters that still take every question, or with a symbol of the
// ideographs' block that is no ideograph (U+4DC0, a hexagram).
TEST(line_furniture, reads_furniture_that_opens_with_a_weekday_a_page_note_or_a_symbol) {
  EXPECT_EQ(classify_furniture("星期二 2025年3月18日"), furniture::page_date);
  EXPECT_EQ(classify_furniture("周二 2025年3月18日"), furniture::page_date);
  EXPECT_EQ(classify_furniture("本版图片除署名外均为本报记者许安然摄"), furniture::page_photo_credit);
  EXPECT_EQ(classify_furniture("\u4DC0 \u4DC0 \u4DC0"), furniture::end_mark);
  EXPECT_EQ(classify_furniture("临河县召开春耕生产推进会"), furniture::none);
}

// An end mark is drawn with any ornament: symbols (stars, diamonds, circles) or the
// punctuation made for ornament (reference marks, asterisms, bullets); a page's own mark is
// whichever it chose, not a list of those seen.
TEST(line_furniture, reads_an_end_mark_of_any_ornament) {
  for (const char* mark : {"★ ★ ★", "◆◆◆", "※ ※ ※", "※", "⁂", "• • •", "＊ ＊ ＊", "✿ ✿ ✿", "⁑ ⁕"})
    EXPECT_EQ(classify_furniture(mark), furniture::end_mark) << mark;
  for (const char* text : {"……", "——", "。。。", "“ ”", "（ ）", "1 2 3", "※注"})
    EXPECT_EQ(classify_furniture(text), furniture::none) << text;
}

TEST(line_furniture, reads_an_editor_line_by_its_two_fields) {
  EXPECT_EQ(classify_furniture("责任编辑：林一 ｜ 校对：王二"), furniture::editor_line);
  EXPECT_EQ(classify_furniture("编辑:林一 | 美编：王二"), furniture::editor_line);
  // one field: a colon too few
  EXPECT_EQ(classify_furniture("编辑：林一 ｜ 校对 王二"), furniture::none);
  EXPECT_EQ(classify_furniture("■ 新闻热线 6612345 | 编辑:林一"), furniture::none);
}

// A sentence mark anywhere, before the colons or after both, makes the line a sentence: the
// colon search stops at the mark.
TEST(line_furniture, does_not_take_a_sentence_with_two_fields_for_an_editor_line) {
  EXPECT_EQ(classify_furniture("会上，编辑：林一 ｜ 校对：王二"), furniture::none);
  EXPECT_EQ(classify_furniture("编辑：林一 ｜ 校对：王二。"), furniture::none);
  EXPECT_EQ(classify_furniture("编辑：林一 ｜ 校对：王二 ｜ 美编：张三"), furniture::editor_line);
}

}  // namespace
}  // namespace broadsheet::pipeline
