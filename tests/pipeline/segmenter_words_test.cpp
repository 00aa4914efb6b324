#include "pipeline/internal/segmenter_words.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline::internal {
namespace {

// A page of one unit per paragraph, read by words.
struct page {
  std::vector<std::string> texts;  // what the paragraphs view
  std::vector<paragraph> ps;
  std::vector<paragraph_facts> facts;
  std::vector<std::size_t> units;

  page(segmenter_words& words, std::vector<std::string> page_texts) : texts(std::move(page_texts)) {
    std::size_t bytes = 0;
    for (const auto& t : texts) {
      paragraph p;
      p.text = t;
      p.clause_punctuation = has_clause_punctuation(t);
      bytes += t.size();
      facts.push_back(facts_of(p));
      units.push_back(ps.size());
      ps.push_back(std::move(p));
    }
    words.start_page(bytes);
    words.start_reading(ps, facts, units);
  }
};

const std::string farming_1 =
    "今年春耕以来，临河县农业农村局组织农技人员深入田间地头，指导农户科学播种、合理施肥，全县春播面积已达十二万亩。";
const std::string farming_2 =
    "临河县农业农村局有关负责人介绍，今年春耕期间，全县农技人员将继续深入田间地头，帮助农户解决播种和施肥中的难题。";
const std::string football =
    "昨晚进行的足球联赛第五轮比赛中，主队凭借下半场的两个进球逆转取胜，球迷在看台上唱起队歌，庆祝球队连续三场不败。";

TEST(segmenter_words, text_on_one_topic_coheres_more_than_text_on_two) {
  // given
  segmenter_words words;
  const page one_topic(words, {farming_1, farming_2});
  const double same = words.cohesion(1, 1);
  // when
  const page two_topics(words, {farming_1, football});
  const double different = words.cohesion(1, 1);
  // then
  EXPECT_GT(same, 0.2);
  EXPECT_LT(different, 0.1);
  EXPECT_GT(same, different);
}

// Two paragraphs of one story on a bridge being built, and two of another on a library.
const std::string bridge_1 =
    "横跨西江的跨江大桥主体工程昨日顺利合龙，施工单位连续奋战一百多个日夜，克服汛期水位上涨、江面风大等困难，"
    "比原计划提前两个月完成主桥钢箱梁的吊装任务。大桥全长两千八百米，主跨六百米，建成后两岸居民过江的时间将从"
    "一个小时缩短到十分钟，沿江的物流园区和工业园区也将连成一片，带动周边产业发展。";
const std::string bridge_2 =
    "跨江大桥合龙后，施工单位将转入桥面铺装、护栏安装和照明工程，同时开展荷载试验，检验主桥钢箱梁和斜拉索的受力"
    "情况。建设指挥部表示，大桥计划年底前建成通车，届时西江两岸将新增一条快速通道，过江车辆不再绕行老桥，"
    "两岸群众盼望多年的心愿即将实现，沿江物流园区的货车也能更快抵达高速公路。";
const std::string library_1 =
    "城东新区图书馆日前正式开馆，馆内藏书三十万册，设有少儿阅览区、自习区和数字阅读体验区，读者凭身份证即可"
    "免费办理借书证。开馆首日，不少家长带着孩子早早来到门口排队，少儿阅览区的绘本架前坐满了小读者，自习区的"
    "座位也很快被附近中学的学生占满，工作人员忙着为新读者办理借书证。一位带着女儿来借书的市民说，以前借书要坐"
    "半个小时公交车去老馆，现在步行十分钟就到，孩子每个周末都吵着要来。";
const std::string library_2 =
    "图书馆负责人介绍，新馆延长了开放时间，每天开放到晚上九点，节假日照常开放，还将定期举办读书分享会、讲座和"
    "亲子阅读活动。馆内的自助借还机可以二十四小时使用，读者在手机上就能预约图书、查询馆藏，附近的社区书屋"
    "也将与新馆联网，实现一张借书证通借通还，方便居民就近借阅。今年下半年，新馆还将开设古籍修复展示室和本地"
    "作家作品专架，邀请作家与读者面对面交流。";

TEST(segmenter_words, cohesion_reads_the_text_before_across_a_subhead) {
  // given: the bridge story with a subhead in it, a boundary, then more of the bridge story
  segmenter_words words;
  const page p(words, {bridge_1, "钢箱梁精准吊装", library_1, bridge_2});
  ASSERT_TRUE(p.facts[1].heading_like);
  // when: the text before the boundary is read across the subhead to the bridge's first paragraph
  const double across = words.cohesion(3, 3);
  // then
  EXPECT_GT(across, 0.05);
}

TEST(segmenter_words, cohesion_counts_the_words_of_a_headline_line_inside_its_window) {
  // given: the library story with a line naming the bridge between its paragraphs, a boundary,
  // then a paragraph on the bridge that shares no word with the library text
  segmenter_words words;
  const page p(words, {library_1, "跨江大桥合龙", library_2, "跨江大桥合龙以后，施工单位转入桥面铺装。"});
  ASSERT_TRUE(p.facts[1].heading_like);
  // when
  const double across = words.cohesion(3, 3);
  // then: the line's words ("跨江", "大桥", "合龙") are read with the text before the boundary
  EXPECT_GT(across, 0.01) << across;
}

TEST(segmenter_words, cohesion_reads_about_wide_tail_characters_before_a_boundary) {
  // given: the bridge story, then the library story (two paragraphs of 150 Han characters or
  // more: the tail is full, though each counts for only lead_han in a headline's lead), a
  // boundary, then more of the bridge story
  segmenter_words words;
  const page p(words, {bridge_1, library_1, library_2, bridge_2});
  // when
  const double library_then_bridge = words.cohesion(3, 3);
  // then: the bridge story's first paragraph lies beyond the tail
  EXPECT_LT(library_then_bridge, 0.03) << library_then_bridge;
}

TEST(segmenter_words, cohesion_reads_at_most_window_units_units) {
  // given: the bridge story, a list of short lines longer than a window, a boundary, then more
  // of the bridge story
  segmenter_words words;
  std::vector<std::string> texts{bridge_1};
  const char* const names[] = {"林晓雨", "许安然", "周明远", "石玉珍", "严俊峰", "胡秀芳"};
  for (std::size_t k = 0; k < segmenter_words::window_units; ++k) texts.push_back(names[k % 6]);
  texts.push_back(bridge_2);
  const std::size_t boundary = texts.size() - 1;
  const page p(words, texts);
  ASSERT_TRUE(p.facts[1].heading_like);
  // when
  const double across_the_list = words.cohesion(boundary, boundary);
  // then: the window before the boundary ends in the list and never reaches the bridge story
  // (a list of thousands of lines would otherwise have every window read all of it)
  EXPECT_EQ(across_the_list, 0.0);
}

TEST(segmenter_words, headline_bag_of_a_run_holds_each_of_its_lines_words) {
  // given
  segmenter_words words;
  const page p(words, {"科技助农 田间地头忙", "临河县春耕生产全面展开", farming_1});
  ASSERT_TRUE(p.facts[0].heading_like);
  ASSERT_TRUE(p.facts[1].heading_like);
  // when
  const topic_words::bag run = words.headline_bag(0, 2);
  // then
  EXPECT_DOUBLE_EQ(words.shared_fraction(words.head_of(0), run), 1.0);
  EXPECT_DOUBLE_EQ(words.shared_fraction(words.head_of(1), run), 1.0);
  EXPECT_LT(words.shared_fraction(words.head_of(1), words.headline_bag(0, 1)), 0.5);
}

TEST(segmenter_words, headline_bag_leaves_out_byline_lines) {
  segmenter_words words;
  const page p(words, {"临河县春耕生产全面展开", "本报记者 林晓雨", farming_1});
  ASSERT_TRUE(p.facts[1].byline_line.has_value());
  EXPECT_LT(words.shared_fraction(words.head_of(1), words.headline_bag(0, 2)), 0.5);
}

TEST(segmenter_words, lead_after_a_headline_is_the_text_under_it) {
  segmenter_words words;
  const page p(words, {"全县新增高新技术企业", farming_1});
  ASSERT_TRUE(p.facts[0].heading_like);
  const topic_words::bag lead = words.lead_bag(0);
  EXPECT_DOUBLE_EQ(words.shared_fraction(words.head_of(1), lead), 1.0);
  EXPECT_LT(words.shared_fraction(words.head_of(0), lead), 0.5);
}

TEST(segmenter_words, tail_before_a_boundary_is_the_text_before_it) {
  segmenter_words words;
  const page p(words, {farming_1, football});
  const topic_words::bag tail = words.tail_bag(1);
  EXPECT_GT(words.shared_fraction(tail, words.head_of(0)), 0.9);
  EXPECT_LT(words.shared_fraction(tail, words.head_of(1)), 0.1);
}

}  // namespace
}  // namespace broadsheet::pipeline::internal
