#include "pipeline/evidence.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

paragraph_facts facts(std::string_view text) { return facts_of(paragraph{.text = text}); }

TEST(evidence, reads_a_short_unpunctuated_line_as_headline_like) {
  EXPECT_TRUE(facts("临河县召开春耕生产推进会").heading_like);
  // an exclaimed quote under its column tag; a sentence after an exclamation is text
  EXPECT_TRUE(facts("“多干一点，再累也值得！”（抗疫一线）").heading_like);
  EXPECT_FALSE(facts("“多干一点！”村民说道").heading_like);
  // a speaker's kicker, one name or two ("甲、乙："), and a clause introducing a quote
  EXPECT_TRUE(facts("林晓雨委员：").heading_like);
  EXPECT_TRUE(facts("林晓雨、周明远：").heading_like);
  EXPECT_FALSE(facts("会上，林晓雨说：").heading_like);
  // an author's note whose unit is in brackets inside it
  EXPECT_FALSE(facts("（作者为临河县农业公司 （农业局） 党委书记）").heading_like);
  EXPECT_FALSE(facts("临河县召开春耕生产推进会。").heading_like);
  EXPECT_FALSE(facts("会议要求，各乡镇要抓紧抓实，").heading_like);
  EXPECT_TRUE(facts("本报记者 林晓雨").byline_line.has_value());
  EXPECT_FALSE(facts("本报记者 林晓雨").heading_like);
  // contact details
  EXPECT_FALSE(facts("电子信箱：linhe@example.cn").heading_like);
  EXPECT_FALSE(facts("网址：www.example.cn").heading_like);
}

TEST(evidence, reads_a_compilers_line_as_closing_unless_set_as_a_heading) {
  const paragraph_facts line = facts("本报记者林晓雨整理");
  EXPECT_TRUE(line.closing);
  EXPECT_EQ(line.byline_line.value_or(byline{}).reporters, std::vector<std::string>{"林晓雨"});
  // "### 本报记者林晓雨整理": the layout heads a part of the text with it
  const paragraph_facts heading = facts_of(paragraph{.text = "本报记者林晓雨整理", .md_level = 3});
  EXPECT_FALSE(heading.closing);
}

TEST(evidence, sees_headline_phrases_parted_by_a_space) {
  EXPECT_TRUE(facts("书香满城 阅读暖心").phrases_parted);
  EXPECT_TRUE(facts("春耕备耕正当时 “粮袋子”有保障").phrases_parted);
  // a kicker and its title on one line; a column tag after the phrases
  EXPECT_TRUE(facts("北岭区关爱一线环卫工人 冬日送暖 情暖街头").phrases_parted);
  EXPECT_TRUE(facts("守护一江碧水 建设美丽乡村（乡村振兴在行动）").phrases_parted);
  // a kicker naming a person with a long title, then the title
  EXPECT_TRUE(facts("北岭区城关镇东风社区居委会主任王立新 战疫一线，他守住小区大门").phrases_parted);
  // a subhead without a space, a line spaced out character by character
  EXPECT_FALSE(facts("春耕备耕有序推进").phrases_parted);
  EXPECT_FALSE(facts("春 耕 备 耕").phrases_parted);
  // a list of units, of names with their units, a byline
  EXPECT_FALSE(facts("临河县农业农村局 北岭区文化和旅游局（机关） 西塘镇人民政府").phrases_parted);
  EXPECT_FALSE(facts("林晓雨家庭 临河县城关镇东风社区 周明远家庭 北岭区新华街道").phrases_parted);
  EXPECT_FALSE(facts("本报记者 林晓雨 周明远").phrases_parted);
  // text, not a headline
  EXPECT_FALSE(facts("目前全县已储备化肥三万吨 种子八百吨。").phrases_parted);
}

TEST(evidence, sees_a_kicker_and_its_title_on_one_line) {
  EXPECT_TRUE(facts("临河县西塘镇—— 建起村民议事厅").kicker_inline);
  EXPECT_TRUE(facts("北岭区文化和旅游局——：三座城市书房开门迎客（书香北岭）").kicker_inline);
  // a dash inside a phrase, a speaker's call, a line starting or ending with the dash
  EXPECT_FALSE(facts("春耕——临河县的头等大事").kicker_inline);
  EXPECT_FALSE(facts("“同志们好——”、“首长好！”").kicker_inline);
  EXPECT_FALSE(facts("——临河县西塘镇见闻").kicker_inline);
  EXPECT_FALSE(facts("临河县西塘镇——").kicker_inline);
}

TEST(evidence, reads_a_column_tag_with_a_year_or_a_number_in_it) {
  EXPECT_TRUE(facts("临河春耕忙（动感2023）").column_tag);
  EXPECT_TRUE(facts("城市书房开门迎客（礼赞70年）").column_tag);
  // a date, a count, a page marker are not column tags
  EXPECT_FALSE(facts("临河县春耕生产推进会召开（2023年）").column_tag);
  EXPECT_FALSE(facts("临河县新建城市书房（50个）").column_tag);
  EXPECT_FALSE(facts("城市书房开门迎客（下转A05版）").column_tag);
}

TEST(evidence, gives_parallel_headline_lines_one_outline) {
  // subheads set in parallel: same length, punctuation in the same places
  EXPECT_EQ(facts("春耕备耕有序推进").outline, facts("农资储备充足到位").outline);
  EXPECT_EQ(facts("稳产能：夯实基础").outline, facts("保供给：畅通渠道").outline);
  // another length, the colon elsewhere, a space that parts phrases does not count
  EXPECT_NE(facts("春耕备耕有序推进").outline, facts("农资储备充足").outline);
  EXPECT_NE(facts("稳产能：夯实基础").outline, facts("保供给畅通：渠道").outline);
  EXPECT_EQ(facts("书香满城 阅读暖心").outline, facts("书香满城阅读暖心").outline);
  // text has none
  EXPECT_EQ(facts("会议要求，各乡镇要抓紧抓实农资储备。").outline, 0u);
}

TEST(evidence, reads_the_credit_at_the_end_of_a_long_caption) {
  // given: a caption of some 150 characters (more than 400 bytes) ending with its credit
  const std::string caption =
      "3月2日，北岭区城市书房里，读者在阅读区安静看书，孩子们在绘本区听志愿者讲故事，管理员在服务台为市民办理借阅手续。"
      "书房今年新增图书两万册，开设了地方文献专区和盲文阅读角，每天开放到晚上九点，节假日不休息，"
      "周末还为孩子们举办亲子读书会和手工课，吸引了附近社区的许多家庭前来参加。";
  const auto f = facts(caption + " 本报记者 许安然 摄");
  ASSERT_TRUE(f.credit);
  EXPECT_EQ(f.credit->photographers, std::vector<std::string>{"许安然"});
}

TEST(evidence, reads_a_paragraph_in_brackets_as_a_note) {
  EXPECT_TRUE(facts("（摘编自3月2日《临河日报》）").note);
  EXPECT_TRUE(facts("(本文系临河县“我和我的家乡”征文活动获奖作品)").note);
  // a part marker, a numbered section, a count, a sentence that only starts with a bracket
  EXPECT_FALSE(facts("（上）").note);
  EXPECT_FALSE(facts("（一）").note);
  EXPECT_FALSE(facts("（50个）").note);
  EXPECT_FALSE(facts("（记者林晓雨）昨日，临河县召开春耕生产推进会。").note);
}

TEST(evidence, reads_a_note_behind_a_lead_in_phrase_as_a_note_not_a_headline) {
  // a sign-off the extraction glued a lead-in phrase to
  const auto glued = facts("笔者注意到，（林晓雨、周明远）");
  EXPECT_TRUE(glued.note);
  EXPECT_FALSE(glued.heading_like);
  // a clause before a bracket that is not the whole rest, or a lead-in longer than six characters
  EXPECT_FALSE(facts("据介绍，（甲）项目已经完工").note);
  EXPECT_FALSE(facts("临河县农业农村局介绍，（林晓雨）").note);
}

TEST(evidence, reads_a_line_starting_with_a_bullet_as_bulleted) {
  EXPECT_TRUE(facts("■重点支持单户担保金额五百万元及以下小微企业").bulleted);
  EXPECT_TRUE(facts("●相关配套文件修订进展顺利").bulleted);
  // a byline's box is no bullet
  EXPECT_FALSE(facts("□林晓雨").bulleted);
  EXPECT_FALSE(facts("临河县出台意见支持小微企业发展").bulleted);
}

TEST(evidence, finds_a_jump_marker_at_the_end_or_alone) {
  EXPECT_EQ(facts("（下转A05版）").jump_marker, 0u);
  const std::string text = "会议要求各乡镇抓紧抓实。";
  EXPECT_EQ(facts(text + " （下转A05版）").jump_marker, text.size());
  EXPECT_EQ(facts(text).jump_marker, std::string_view::npos);
  // a table row is still asked
  EXPECT_EQ(facts("甲\t乙（下转A05版）").jump_marker, std::string_view("甲\t乙").size());
}

TEST(evidence, reads_a_lone_first_numeral_as_a_first_part) {
  EXPECT_TRUE(facts("一").first_part);
  EXPECT_TRUE(facts("（一）").first_part);
  // a later part, a numbered heading with its words
  EXPECT_FALSE(facts("二").first_part);
  EXPECT_FALSE(facts("一、春耕备耕有序推进").first_part);
}

TEST(evidence, reads_a_name_in_brackets_as_a_note) {
  // a brief's source signs it off: a reporter's name alone in brackets
  EXPECT_TRUE(facts("（林晓雨）").note);
  EXPECT_TRUE(facts("(周明远)").note);
  EXPECT_TRUE(facts("（许安然 周明远）").note);
}

}  // namespace
}  // namespace broadsheet::pipeline
