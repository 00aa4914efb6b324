// Reports under one headline (pipeline/segmenter_reports.cpp): a headline without text of its
// own over short reports, each with a title and a byline, is one item.
#include <gtest/gtest.h>

#include "tests/pipeline/page_test_support.h"

namespace broadsheet::pipeline {
namespace {

using testing::segmented;

constexpr std::string_view story_before =
    "临河县召开春耕生产推进会\n\n"
    "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
    "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n";

// Three reports, each a place leading into its title, a byline and two paragraphs.
constexpr std::string_view reports =
    "北岭区城市书房——\n\n"
    "“假期里的读者比平时还多”\n\n"
    "本报记者 周明远\n\n"
    "大年初三一早，北岭区城市书房刚开门，就有十几位读者在门口等候。管理员小刘忙着整理新到的图书。\n\n"
    "“假期里的读者比平时还多，孩子们最喜欢绘本区。”小刘说，书房春节不打烊，每天开放到晚上九点。\n\n"
    "东坪客运站——\n\n"
    "“让每位旅客平安到家”\n\n"
    "本报记者 许安然\n\n"
    "凌晨五点，东坪客运站的调度室已经亮起了灯。站长老王逐一检查当天发车的每一辆客车。\n\n"
    "节日期间，车站增开了通往山区的班次，老王和同事们轮流值班，已经三年没在家过年了。\n\n"
    "西塘镇卫生院——\n\n"
    "“病人需要，我们就在”\n\n"
    "本报记者 林晓雨\n\n"
    "除夕夜，西塘镇卫生院的急诊室依然灯火通明。值班医生陈红刚处理完一位烫伤的孩子。\n\n"
    "卫生院今年春节安排了双人值班，药房备足了常用药品，附近村里的老人随叫随到。\n\n";

constexpr std::string_view story_after =
    "城关镇推进老旧小区改造\n\n"
    "本报讯（记者许安然）城关镇今年启动十二个老旧小区改造项目，涉及居民两千余户。\n";

TEST(segmenter_reports, joins_reports_under_a_headline_without_text_into_one_item) {
  // given: a dated story, a headline and its byline with no text, three reports each under a
  // title and a byline, a dated story
  const auto page = segmented(std::string(story_before) + "春节里的坚守（节日一线）\n\n本报记者 王立新\n\n" +
                              std::string(reports) + std::string(story_after));
  ASSERT_EQ(page.items.size(), 3u);
  const article& a = page.items[1];
  EXPECT_EQ(a.title, "春节里的坚守（节日一线）");
  // each report's headline lines are paragraphs of the text; the bylines are the item's
  ASSERT_EQ(a.paragraphs.size(), 12u);
  EXPECT_EQ(a.paragraphs[0], "北岭区城市书房——");
  EXPECT_EQ(a.paragraphs[1], "“假期里的读者比平时还多”");
  EXPECT_EQ(a.paragraphs[4], "东坪客运站——");
  EXPECT_EQ(a.names.reporters, (std::vector<std::string>{"王立新", "周明远", "许安然", "林晓雨"}));
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
}

TEST(segmenter_reports, joins_reports_under_a_headline_with_a_short_intro) {
  // given: the headline over one sentence of intro, then the reports
  const auto page =
      segmented(std::string(story_before) + "春节里的坚守（节日一线）\n\n" +
                "春节假期，许多人坚守在岗位上，守护着万家团圆。\n\n" + std::string(reports) + std::string(story_after));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "春节里的坚守（节日一线）");
  EXPECT_EQ(page.items[1].paragraphs.size(), 13u);
}

TEST(segmenter_reports, leaves_a_single_report_under_a_headline_without_text_as_it_is) {
  // given: a headline and its byline with no text over one report only: no column of reports
  const std::string one_report(reports.substr(0, reports.find("东坪客运站")));
  const auto page = segmented(std::string(story_before) + "春节里的坚守（节日一线）\n\n本报记者 王立新\n\n" +
                              one_report + std::string(story_after));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "“假期里的读者比平时还多”");
  EXPECT_EQ(page.items[1].paragraphs.size(), 2u);
}

TEST(segmenter_reports, reads_a_headline_right_above_a_reports_kicker_as_their_head) {
  // given: the headline alone, no byline or text, right above the first report's "place——"
  // kicker: two headlines, not one run whose title is the report's
  const auto page = segmented(std::string(story_before) + "春节里的坚守（节日一线）\n\n" + std::string(reports) +
                              std::string(story_after));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "春节里的坚守（节日一线）");
  EXPECT_EQ(page.items[1].paragraphs.size(), 12u);
}

// Three reports signed at their end by their reporters' names in brackets, not under their titles.
constexpr std::string_view reports_signed_at_end =
    "北岭区城市书房——\n\n"
    "“假期里的读者比平时还多”\n\n"
    "大年初三一早，北岭区城市书房刚开门，就有十几位读者在门口等候。管理员小刘忙着整理新到的图书。\n\n"
    "“假期里的读者比平时还多，孩子们最喜欢绘本区。”小刘说，书房春节不打烊，每天开放到晚上九点。\n\n"
    "（本报记者周明远）\n\n"
    "东坪客运站——\n\n"
    "“让每位旅客平安到家”\n\n"
    "凌晨五点，东坪客运站的调度室已经亮起了灯。站长老王逐一检查当天发车的每一辆客车。\n\n"
    "节日期间，车站增开了通往山区的班次，老王和同事们轮流值班，已经三年没在家过年了。\n\n"
    "（许安然、孙一）\n\n"
    "西塘镇卫生院——\n\n"
    "“病人需要，我们就在”\n\n"
    "除夕夜，西塘镇卫生院的急诊室依然灯火通明。值班医生陈红刚处理完一位烫伤的孩子。\n\n"
    "卫生院今年春节安排了双人值班，药房备足了常用药品，附近村里的老人随叫随到。\n\n"
    "（本报记者林晓雨）\n\n";

TEST(segmenter_reports, joins_reports_signed_at_their_end_under_a_headline_without_text) {
  const auto page = segmented(std::string(story_before) + "春节里的坚守（节日一线）\n\n" +
                              std::string(reports_signed_at_end) + std::string(story_after));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "春节里的坚守（节日一线）");
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
}

TEST(segmenter_reports, leaves_stories_signed_at_their_end_under_a_headline_with_text_apart) {
  // given: a headline over a short text of its own, then stories signed only at their end: a
  // story and the stories after it, not its reports
  const auto page = segmented(std::string(story_before) + "春节里的坚守（节日一线）\n\n" +
                              "春节假期，许多人坚守在岗位上，守护着万家团圆。\n\n" +
                              std::string(reports_signed_at_end) + std::string(story_after));
  EXPECT_GT(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "春节里的坚守（节日一线）");
  EXPECT_EQ(page.items[1].paragraphs.size(), 1u);
}

}  // namespace
}  // namespace broadsheet::pipeline
