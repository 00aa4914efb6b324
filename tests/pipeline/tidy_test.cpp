#include "pipeline/tidy.h"

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

TEST(tidy_sentence, removes_layout_spaces_between_cjk_and_between_cjk_and_digits) {
  EXPECT_EQ(tidy_sentence("群 众 ， 这 是 示 范 区"), "群众，这是示范区");
  EXPECT_EQ(tidy_sentence("本报讯 7 月20日，共 52 个项目"), "本报讯7月20日，共52个项目");
  EXPECT_EQ(tidy_sentence("占比 90% 以上"), "占比90%以上");
}

TEST(tidy_sentence, keeps_spaces_that_belong_to_latin_text) {
  EXPECT_EQ(tidy_sentence("推动 AI 技术 and 数据 in practice"), "推动 AI 技术 and 数据 in practice");
}

TEST(tidy_sentence, uses_chinese_punctuation_in_chinese_context) {
  EXPECT_EQ(tidy_sentence("本报讯(记者林晓雨)昨日,会议召开:一是;二是?好!"),
            "本报讯（记者林晓雨）昨日，会议召开：一是；二是？好！");
}

TEST(tidy_sentence, leaves_numbers_and_latin_punctuation_alone) {
  EXPECT_EQ(tidy_sentence("面积1,200平方米，8:30开放，增长3.5%"), "面积1,200平方米，8:30开放，增长3.5%");
  EXPECT_EQ(tidy_sentence("Hello, world (test): ok."), "Hello, world (test): ok.");
}

// Tidy starts at the first space or punctuation it may change: a '.' after a digit before it
// stays, what follows is tidied as from the start.
TEST(tidy_sentence, tidies_after_decimal_points_as_before_them) {
  EXPECT_EQ(tidy_sentence("增长3.5%, 达 1.2 万元."), "增长3.5%，达1.2万元。");
  EXPECT_EQ(tidy_sentence("3.5 万元"), "3.5万元");
  EXPECT_EQ(tidy_sentence(".5 万元"), ".5万元");
  EXPECT_EQ(tidy_sentence("增长3.5%"), "增长3.5%");
}

TEST(tidy_heading, keeps_separators_between_title_segments) {
  EXPECT_EQ(tidy_heading("奋进新征程 建功新时代"), "奋进新征程 建功新时代");
  EXPECT_EQ(tidy_heading("学 思 想 强党性"), "学思想 强党性");
  EXPECT_EQ(tidy_heading("我市一学校登上 “学习强国”平台"), "我市一学校登上 “学习强国”平台");
  EXPECT_EQ(tidy_heading("临河 ， 北岭"), "临河，北岭");
  EXPECT_EQ(tidy_heading("解放区:细化标准"), "解放区：细化标准");
}

}  // namespace
}  // namespace broadsheet::pipeline
