#include "pipeline/internal/reflow_lines.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline::internal {
namespace {

line_facts facts_of_text(std::string_view text) {
  std::vector<credit_match> credits;
  return facts_of(page_line{text, 0, 0, 0}, credits);
}

TEST(reflow_lines, counts_a_wide_character_as_two_columns_and_a_space_as_none) {
  // given ideographs, Latin letters, a space and a wide comma
  // when
  const line_facts f = facts_of_text("春雨AB ，");
  // then five visible characters; the ideographs and the comma take two columns each
  EXPECT_EQ(f.chars, 5u);
  EXPECT_EQ(f.columns, 8);
}

TEST(reflow_lines, reads_formulaic_lines_as_standing_alone_or_starting_a_paragraph) {
  EXPECT_TRUE(facts_of_text("本报记者 林晓雨").alone) << "a byline line";
  EXPECT_TRUE(facts_of_text("甲\t乙\t丙").alone) << "a table row";
  EXPECT_TRUE(facts_of_text("——记临河县的春耕").alone) << "a subtitle";
  const line_facts dated = facts_of_text("本报讯（记者林晓雨）临河县召开春耕生产推进会，");
  EXPECT_TRUE(dated.dateline);
  EXPECT_TRUE(dated.starts);
  EXPECT_FALSE(dated.ends);
  EXPECT_TRUE(dated.end.mid_clause);
  EXPECT_TRUE(facts_of_text("二、抓紧农资储备").starts) << "a numbered item";
  EXPECT_FALSE(facts_of_text("部署全县春耕备耕工作和农资储备").starts);
}

TEST(reflow_lines, a_caption_ending_with_its_credit_is_finished_like_a_sentence) {
  std::vector<credit_match> credits;
  const line_facts f = facts_of(page_line{"农民在田间查看麦苗长势 本报记者 林晓雨 摄", 0, 0, 0}, credits);
  EXPECT_TRUE(f.ends);
  EXPECT_FALSE(f.alone) << "the credit ends a caption, it is not a line of its own";
  ASSERT_EQ(f.credit, 0) << "the credit is handed on";
  ASSERT_EQ(credits.size(), 1u);
  EXPECT_EQ(credits[0].photographers, std::vector<std::string>{"林晓雨"});
  EXPECT_EQ(facts_of(page_line{"农民在田间查看麦苗长势", 0, 0, 0}, credits).credit, -1);
  EXPECT_TRUE(facts_of_text("本报记者 林晓雨 摄").alone) << "a credit alone is";
}

TEST(reflow_lines, a_line_starting_with_clause_punctuation_continues_the_one_before) {
  EXPECT_TRUE(facts_of_text("，确保不误农时。").continues);
  EXPECT_FALSE(facts_of_text("确保不误农时。").continues);
}

TEST(reflow_lines, takes_the_typical_width_from_blocks_of_three_lines_or_more) {
  // given a block of six wrapped lines of 14 ideographs, one short last line, and a lone line
  std::vector<page_line> lines;
  for (int i = 0; i < 6; ++i) lines.push_back(page_line{"会议要求各乡镇抓紧抓实农资储", i == 0 ? 1 : 0, 0, 0});
  lines.push_back(page_line{"打好基础。", 0, 0, 0});
  lines.push_back(page_line{"另一段落的一行", 1, 0, 0});
  std::vector<line_facts> facts;
  std::vector<credit_match> credits;
  for (const auto& l : lines) facts.push_back(facts_of(l, credits));
  // when / then: the 75th percentile of the block's widths
  EXPECT_EQ(typical_columns(lines, facts), 28);
  // and a page without such blocks does not hard-wrap
  EXPECT_EQ(typical_columns({lines.back()}, {facts.back()}), 0);
}

TEST(reflow_lines, finds_the_characters_after_a_bracket_left_open) {
  EXPECT_EQ(unclosed_bracket_tail("会议结束。（本报伊斯"), 4u);
  EXPECT_EQ(unclosed_bracket_tail("会议结束。（本报伊斯兰堡电）"), std::string_view::npos);
  EXPECT_EQ(unclosed_bracket_tail("会议结束。"), std::string_view::npos);
  EXPECT_TRUE(ends_with_closing("展览在市博物馆举办。（本报记者林晓雨整理）"));
  EXPECT_FALSE(ends_with_closing("展览在市博物馆举办（三月至五月）"));
}

}  // namespace
}  // namespace broadsheet::pipeline::internal
