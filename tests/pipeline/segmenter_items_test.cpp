// Items built from the chosen reading (pipeline/segmenter_items.cpp): fields and text.
#include <gtest/gtest.h>

#include "tests/pipeline/page_test_support.h"

namespace broadsheet::pipeline {
namespace {

using testing::segmented;

TEST(segmenter_items, keeps_a_dated_first_paragraph_printed_twice_once) {
  // given: a headline, its dated first paragraph, the same paragraph again, then the text: the
  // dateline goes to its field, and the second print adds nothing
  const auto page = segmented(
      "北岭区新建三座城市书房\n\n"
      "本报北岭3月2日电（记者林晓雨）北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅。\n\n"
      "本报北岭3月2日电（记者林晓雨）北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅。\n\n"
      "书房每天开放到晚上九点，节假日不休息。\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].dateline, "本报北岭3月2日电");
  EXPECT_EQ(page.items[0].paragraphs,
            (std::vector<std::string>{"北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅。",
                                      "书房每天开放到晚上九点，节假日不休息。"}));
}

TEST(segmenter_items, keeps_one_print_of_each_paragraph_alike_at_both_ends) {
  // given: three paragraphs of one length that share their first and last words (so hash alike),
  // two of them printed again: each comes out once, in the order of its first print
  const std::string a = "会议要求，各乡镇要抓紧抓实农资储备。";
  const std::string b = "会议要求，各乡镇要抓紧落实农资储备。";
  const std::string c = "会议要求，各乡镇要及早抓实农资储备。";
  const auto page = segmented("临河县召开春耕生产推进会\n\n本报讯（记者林晓雨）昨日，会议召开，部署春耕工作。\n\n" + a +
                              "\n\n" + b + "\n\n" + a + "\n\n" + c + "\n\n" + b + "\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs, (std::vector<std::string>{"昨日，会议召开，部署春耕工作。", a, b, c}));
}

TEST(segmenter_items, keeps_one_print_of_a_paragraph_printed_twice_once_cut_short) {
  // given: a paragraph, the next one, then the first one again cut short before its last words:
  // the whole print stays
  const auto page = segmented(
      "北岭区新建三座城市书房\n\n"
      "本报讯（记者林晓雨）北岭区三座城市书房日前建成开放。\n\n"
      "书房里的图书由区图书馆统一配送，每月更新一次，市民可以在网上预约想看的新书和期刊杂志。\n\n"
      "书房每天开放到晚上九点，节假日不休息，周末还有面向孩子们的读书会。\n\n"
      "书房里的图书由区图书馆统一配送，每月更新一次，市民可以在网上预约想看的新书\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs,
            (std::vector<std::string>{
                "北岭区三座城市书房日前建成开放。",
                "书房里的图书由区图书馆统一配送，每月更新一次，市民可以在网上预约想看的新书和期刊杂志。",
                "书房每天开放到晚上九点，节假日不休息，周末还有面向孩子们的读书会。"}));
}

TEST(segmenter_items, keeps_one_print_of_a_paragraph_printed_again_in_two_parts) {
  // given: a paragraph of two sentences, then the same two sentences again as two paragraphs
  const std::string first = "书房里的图书由区图书馆统一配送，每月更新一次，市民可以在网上预约想看的新书和期刊。";
  const std::string second = "书房每天开放到晚上九点，节假日不休息，周末还有面向孩子们的读书会和亲子活动。";
  const auto page = segmented("北岭区新建三座城市书房\n\n本报讯（记者林晓雨）北岭区三座城市书房日前建成开放。\n\n" +
                              first + second + "\n\n" + first + "\n\n" + second + "\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs, (std::vector<std::string>{"北岭区三座城市书房日前建成开放。", first + second}));
}

TEST(segmenter_items, keeps_a_speakers_line_over_the_paragraph_that_starts_with_it) {
  // given: a speaker's name and post on a line of its own, then a paragraph that names them again
  const auto page = segmented(
      "北岭区新建三座城市书房\n\n"
      "本报讯（记者林晓雨）北岭区三座城市书房日前建成开放。\n\n"
      "北岭区文化和旅游局局长周明远\n\n"
      "北岭区文化和旅游局局长周明远介绍，今年还将新建五座城市书房。\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs.size(), 3u);
}

}  // namespace
}  // namespace broadsheet::pipeline
