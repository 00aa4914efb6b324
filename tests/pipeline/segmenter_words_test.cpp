#include "pipeline/internal/segmenter_words.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::pipeline::internal {
namespace {

// A page of one unit per paragraph, read by words.
struct page {
  std::vector<paragraph> ps;
  std::vector<paragraph_facts> facts;
  std::vector<std::size_t> units;

  page(segmenter_words& words, const std::vector<std::string>& texts) {
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
