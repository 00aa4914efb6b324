#include "pipeline/text_shape.h"

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

TEST(text_shape, predicates) {
  EXPECT_TRUE(ends_sentence("好。"));
  EXPECT_TRUE(ends_sentence("他说：“好。”"));
  EXPECT_FALSE(ends_sentence("发现问"));
  EXPECT_TRUE(ends_mid_clause("市委宣传部、"));
  EXPECT_TRUE(ends_with_colon("参考资料："));
  EXPECT_TRUE(ends_with_colon("Note:"));
  EXPECT_FALSE(ends_with_colon("8:30 开放"));
  EXPECT_TRUE(is_sentence_like("甲，乙"));
  EXPECT_FALSE(is_sentence_like("8:30 开放"));
  EXPECT_EQ(visible_chars("甲 乙a"), 3u);
}

TEST(text_shape, how_it_ends_answers_as_ends_sentence_and_ends_mid_clause) {
  for (const std::string_view t : {"", "好。", "他说：“好。”", "发现问", "市委宣传部、", "他说：“", "（完） ", "结束。 ",
                                   "a;", "甲，", "问题？）", "“", "）"}) {
    const text_end end = how_it_ends(t);
    EXPECT_EQ(end.sentence, ends_sentence(t)) << t;
    EXPECT_EQ(end.mid_clause, ends_mid_clause(t)) << t;
  }
}

TEST(text_shape, finds_the_column_tag_that_ends_a_headline) {
  EXPECT_EQ(column_tag_start("城市书房开门迎客（书香北岭）"), std::string_view("城市书房开门迎客").size());
  EXPECT_EQ(column_tag_start("（书香北岭）"), std::string_view::npos);
  EXPECT_EQ(column_tag_start("城市书房开门迎客（下转A05版）"), std::string_view::npos);
}

TEST(text_shape, reads_a_short_name_in_brackets_as_a_brief_s_source) {
  EXPECT_TRUE(is_bracketed_name("（林晓雨）"));
  EXPECT_TRUE(is_bracketed_name("(周明远)"));
  EXPECT_FALSE(is_bracketed_name("（本报记者林晓雨整理）"));  // longer than a name
  EXPECT_FALSE(is_bracketed_name("（2023）"));
  EXPECT_FALSE(is_bracketed_name("（甲）"));
}

}  // namespace
}  // namespace broadsheet::pipeline
