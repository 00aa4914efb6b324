#include "pipeline/dateline.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

using names = std::vector<std::string>;

TEST(dateline, reads_a_dateline_with_reporters_and_correspondents) {
  const std::string p = "本报讯（记者林晓雨 通讯员周明远）3月17日，会议召开。";
  auto m = match_dateline(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->dateline, "本报讯");
  EXPECT_EQ(m->names.reporters, names{"林晓雨"});
  EXPECT_EQ(m->names.correspondents, names{"周明远"});
  EXPECT_EQ(p.substr(m->body_offset), "3月17日，会议召开。");
}

TEST(dateline, reads_names_glued_by_a_lost_layout_space) {
  auto m = match_dateline("本报讯（记者郭明通讯员赵小青 见习记者孙一）今年以来");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->names.reporters, (names{"郭明", "孙一"}));
  EXPECT_EQ(m->names.correspondents, names{"赵小青"});
}

TEST(dateline, reads_half_width_brackets_and_place_datelines) {
  auto m = match_dateline("本报临河讯 (通讯员常青) 近日");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->dateline, "本报临河讯");
  EXPECT_EQ(m->names.correspondents, names{"常青"});
}

TEST(dateline, reads_datelines_with_a_place_and_a_date) {
  // given: the place and date forms of a dateline, as papers and agencies print them
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"本报临河3月17日电（记者林晓雨）全县春耕。", "本报临河3月17日电"},
      {"本报北岭 12 月 5 日电 （记者许安然） 近日", "本报北岭 12 月 5 日电"},
      {"新华社南川2024年1月9日电 外交部说", "新华社南川2024年1月9日电"},
      {"据新华社西塘 10月21日电（记者周明远）记者获悉", "据新华社西塘 10月21日电"},
      {"据新华社电 日前", "据新华社电"},
      {"中新社电 日前", "中新社电"},
      // a place holding characters that start a byline's role elsewhere (特, 通)
      {"本报呼和浩特1月2日电（记者林晓雨）1日，冬季运动会开幕。", "本报呼和浩特1月2日电"},
      {"本报通辽3月5日电 全市春耕", "本报通辽3月5日电"},
  };
  for (const auto& [text, dateline] : cases) {
    // when
    auto m = match_dateline(text);
    // then
    ASSERT_TRUE(m) << text;
    EXPECT_EQ(m->dateline, dateline);
  }
  auto m = match_dateline("本报北岭 12 月 5 日电 （记者许安然） 近日");
  EXPECT_EQ(m->names.reporters, names{"许安然"});
}

TEST(dateline, finds_an_agency_named_in_a_datelines_first_five_characters) {
  // 社 or 网 as the second to the fifth character, in texts shorter and longer than sixteen bytes
  for (const std::string text : {"人民网电", "中新社电 日前", "人民网北京1月2日电 记者获悉", "中国新闻社电 日前",
                                 "中华新闻社电", "中华新闻社北京1月2日电（记者周明远）记者获悉"}) {
    EXPECT_TRUE(match_dateline(text)) << text;
  }
  // the sixth: no agency's name
  EXPECT_FALSE(match_dateline("中华人民新闻社电 日前"));
  EXPECT_FALSE(match_dateline("中华人民新闻社北京1月2日电 记者获悉"));
}

TEST(dateline, finds_a_dateline_after_a_lead_in_of_a_few_words) {
  EXPECT_TRUE(has_dateline_after_lead_in("目前，本报讯（记者林晓雨）临河县春耕生产有序推进。"));
  EXPECT_TRUE(has_dateline_after_lead_in("据了解,本报北京3月2日电(记者周明远)记者从有关部门获悉"));
  EXPECT_TRUE(has_dateline_after_lead_in("目前，目前，新华社北京3月2日电 记者从有关部门获悉"));
  EXPECT_FALSE(has_dateline_after_lead_in("本报讯（记者林晓雨）临河县春耕生产有序推进。"));  // at the start
  EXPECT_FALSE(has_dateline_after_lead_in("会议由县委副书记主持，县长出席会议并讲话，本报讯员参加"));
  EXPECT_FALSE(has_dateline_after_lead_in("据了解，今年以来全县新增就业岗位三千余个，本报讯"));  // too far in
}

TEST(dateline, does_not_take_ordinary_sentences_for_datelines) {
  EXPECT_FALSE(match_dateline("本报通讯员 周明远"));
  EXPECT_FALSE(match_dateline("本报评论员文章指出，"));
  EXPECT_FALSE(match_dateline("新华社记者3月17日电话采访"));
  EXPECT_FALSE(match_dateline("本报记者昨日获悉，"));
  EXPECT_FALSE(match_dateline("本报特约记者 周明远"));
  EXPECT_FALSE(match_dateline("本报特派记者电话采访"));
  EXPECT_FALSE(match_dateline("报讯员说"));
  // a name that ends in 电 after an issuer-like word, in a list of units: no date, not the paper's
  EXPECT_FALSE(match_dateline("省电网西塘市北岭区供电"));
  EXPECT_FALSE(match_dateline("南川电视台东湖广电"));
  // the paper's own short form keeps its place without a date
  ASSERT_TRUE(match_dateline("本报北岭电 近日"));
  EXPECT_EQ(match_dateline("本报北岭电 近日")->dateline, "本报北岭电");
}

TEST(dateline, dateline_length_is_the_matched_datelines_size) {
  for (const std::string p : {"本报讯（记者林晓雨 通讯员周明远）3月17日，会议召开。", "本报北岭 12 月 5 日电 （记者许安然） 近日",
                               "据新华社上海 10月21日电", "本报北岭电 近日"}) {
    ASSERT_TRUE(match_dateline(p)) << p;
    EXPECT_EQ(dateline_length(p), match_dateline(p)->dateline.size()) << p;
  }
  EXPECT_EQ(dateline_length("本报通讯员 周明远"), 0u);
  EXPECT_EQ(dateline_length("省电网西塘市北岭区供电"), 0u);
}

TEST(dateline, keeps_a_transliterated_name_with_its_middle_dot) {
  auto m = match_dateline("本报讯（记者阿卜杜·热合曼、林晓雨）昨日");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->names.reporters, (names{"阿卜杜·热合曼", "林晓雨"}));
}

}  // namespace
}  // namespace broadsheet::pipeline
