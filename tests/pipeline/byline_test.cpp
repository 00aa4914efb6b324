#include "pipeline/byline.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/closing_lines.h"
#include "pipeline/photo_credits.h"

namespace broadsheet::pipeline {
namespace {

using names = std::vector<std::string>;

TEST(byline, reads_byline_lines) {
  EXPECT_EQ(match_byline_line("本报记者 林晓雨 许安然")->reporters, (names{"林晓雨", "许安然"}));
  EXPECT_EQ(match_byline_line("本报通讯员 周明远")->correspondents, names{"周明远"});
  EXPECT_EQ(match_byline_line("□王立新")->authors, names{"王立新"});
  EXPECT_FALSE(match_byline_line("记者从会上获悉，今年以来"));
  EXPECT_FALSE(match_byline_line("本报记者 许安然 摄"));
}

// A role is read by its head noun (记者, 通讯员, 实习生, 撰稿人, 评论员, 摄影师) and whatever short
// words a paper puts before it, not from a list of the roles one paper prints.
TEST(byline, reads_a_role_by_its_head_noun_whatever_words_come_before_it) {
  auto line = [](std::string_view text) { return match_byline_line(text).value_or(byline{}); };
  EXPECT_EQ(line("本报特派记者 林晓雨").reporters, names{"林晓雨"});
  EXPECT_EQ(line("本报驻站记者 林晓雨 许安然").reporters, (names{"林晓雨", "许安然"}));
  EXPECT_EQ(line("本报融媒体记者 周明远").reporters, names{"周明远"});
  EXPECT_EQ(line("本报实习生 孙一").reporters, names{"孙一"});
  EXPECT_EQ(line("本刊见习记者 孙一").reporters, names{"孙一"});
  EXPECT_EQ(line("本报见习通讯员 周明远").correspondents, names{"周明远"});
  EXPECT_EQ(line("特约撰稿人 王立新").authors, names{"王立新"});
  EXPECT_EQ(line("本报记者 林晓雨 本报见习记者 孙一").reporters, (names{"林晓雨", "孙一"}));
  EXPECT_EQ(line("星城网记者周明远本报特派记者许安然").reporters, (names{"周明远", "许安然"}));
  EXPECT_EQ(line("本报摄影记者 许安然").photographers, names{"许安然"});
  // a head noun too far in, or words that are no name after it: no byline
  EXPECT_FALSE(match_byline_line("临河县人民医院记者 孙一"));
  EXPECT_FALSE(match_byline_line("本报特派记者昨日从会上获悉"));
  EXPECT_FALSE(match_byline_line("诉本报记者，两国贸易往来"));
  // a credit and a closing line name the same roles
  ASSERT_TRUE(match_photo_credit("本报特派记者 许安然 摄"));
  EXPECT_EQ(match_photo_credit("本报特派记者 许安然 摄")->photographers, names{"许安然"});
  EXPECT_TRUE(is_closing_line("（本报见习记者 孙一）"));
}

TEST(byline, reads_two_names_glued_on_a_byline_line) {
  // six characters: two names of three; five: the second name starts at a family name
  EXPECT_EQ(match_byline_line("本报记者周明远许安然")->reporters, (names{"周明远", "许安然"}));
  EXPECT_EQ(match_byline_line("本报记者林晓雨孙一")->reporters, (names{"林晓雨", "孙一"}));
  EXPECT_EQ(match_byline_line("本报记者王川林晓雨")->reporters, (names{"王川", "林晓雨"}));
  // only a line's one run of names, at its end: a sentence after "记者" is no byline
  EXPECT_FALSE(match_byline_line("记者从会上获悉，今年以来"));
  EXPECT_FALSE(match_byline_line("本报记者林晓雨许安然在现场"));
}

TEST(byline, reads_an_outlets_reporters_on_a_byline_line) {
  auto reporters = [](std::string_view line) { return match_byline_line(line).value_or(byline{}).reporters; };
  // an outlet's name ending in 网, 社 or 台 before the role keyword; two bylines glued together
  EXPECT_EQ(reporters("星城网记者 林晓雨"), names{"林晓雨"});
  EXPECT_EQ(reporters("星城网记者周明远本报记者许安然"), (names{"周明远", "许安然"}));
  EXPECT_EQ(reporters("河州广播台记者 孙一"), names{"孙一"});
  EXPECT_FALSE(match_byline_line("全市网点记者从会上获悉"));
  // read from the bytes of U+4000-U+9FFF, decoded elsewhere: the same outlets
  EXPECT_EQ(reporters("㐀㐁社记者 孙一"), names{"孙一"});
  EXPECT_EQ(reporters("临河广播电台记者 孙一"), names{"孙一"});
  EXPECT_FALSE(match_byline_line("河州市广播电视台记者 孙一"));  // seven characters
  EXPECT_FALSE(match_byline_line("星城䷀社记者 孙一"));          // a hexagram symbol is no Han character
}

TEST(byline, leaves_a_line_stopping_at_a_comma_to_the_next) {
  // a closing note cut by the layout: "（本报北京电 / 星城社记者甲、乙， / 本报记者丙）"
  EXPECT_FALSE(match_byline_line("星城社记者周明远、许安然，"));
  EXPECT_FALSE(match_byline_line("本报记者 林晓雨、"));
}

TEST(byline, merges_without_duplicates) {
  byline a;
  a.reporters = {"甲乙"};
  byline b;
  b.reporters = {"甲乙", "丙丁"};
  a.merge(b);
  EXPECT_EQ(a.reporters, (names{"甲乙", "丙丁"}));
}

}  // namespace
}  // namespace broadsheet::pipeline
