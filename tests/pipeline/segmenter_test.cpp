#include "pipeline/segmenter.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "tests/pipeline/page_test_support.h"

namespace broadsheet::pipeline {
namespace {

using testing::segmented;

TEST(segmenter, reads_a_heading_group_before_the_body) {
  const auto page = segmented(
      "奋进新征程 建功新时代\n\n"
      "——看临河县如何推动产业转型\n\n"
      "民生观察\n\n"
      "本报记者 林晓雨\n"
      "本报通讯员 周明远 许安然\n\n"
      "今年以来，临河县坚持创新驱动，产业转型成效明显。\n\n"
      "全县新增高新技术企业十二家，数量居全市第一。\n");
  ASSERT_EQ(page.items.size(), 1u);
  const article& a = page.items[0];
  EXPECT_EQ(a.kind, item_kind::article);
  EXPECT_EQ(a.title, "奋进新征程 建功新时代");
  EXPECT_EQ(a.subtitle, "看临河县如何推动产业转型");
  EXPECT_EQ(a.kicker, "民生观察");
  EXPECT_EQ(a.names.reporters, std::vector<std::string>{"林晓雨"});
  EXPECT_EQ(a.names.correspondents, (std::vector<std::string>{"周明远", "许安然"}));
  EXPECT_EQ(a.paragraphs.size(), 2u);
}

TEST(segmenter, splits_articles_at_headlines_followed_by_datelines_and_keeps_subheadings) {
  const auto page = segmented(
      "政务要闻\n\n"
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会。\n\n"
      "春耕备耕有序推进\n\n"
      "会议要求，各乡镇要抓紧抓实农资储备。\n\n"
      "北岭区新建三座城市书房\n\n"
      "本报讯（记者林晓雨）记者昨日获悉，三座城市书房已投入使用。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].section, "政务要闻");
  EXPECT_EQ(page.items[0].dateline, "本报讯");
  EXPECT_EQ(page.items[0].paragraphs, (std::vector<std::string>{"昨日，临河县召开春耕生产推进会。", "春耕备耕有序推进",
                                                                "会议要求，各乡镇要抓紧抓实农资储备。"}));
  EXPECT_EQ(page.items[1].title, "北岭区新建三座城市书房");
  EXPECT_EQ(page.items[1].names.reporters, std::vector<std::string>{"林晓雨"});
  EXPECT_EQ(page.items[1].section, "政务要闻");
}

TEST(segmenter, reads_a_kicker_ending_in_a_dash_as_a_headline_with_its_title) {
  // given a story, then a kicker that leads into a plain title with "——", then the next story's
  // text with no dateline or byline
  const auto page = segmented(
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "北岭区关爱一线环卫工人——\n\n"
      "冬日送暖到街头\n\n"
      "入冬以来，北岭区为全区八百名环卫工人送去棉衣和手套，并在街头设立十二处爱心驿站。\n\n"
      "驿站提供热水、休息座椅和充电设备，每天从早上六点开放到晚上九点。\n");
  // then the kicker and title open a second story
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "冬日送暖到街头");
  EXPECT_EQ(page.items[1].kicker, "北岭区关爱一线环卫工人——");
}

TEST(segmenter, reads_a_title_that_repeats_its_kicker_before_a_colon_as_a_headline_with_it) {
  // given a story, then a kicker and a title that repeats it before a colon, then the next
  // story's text with no dateline or byline
  const auto page = segmented(
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作，要求各乡镇关心一线农民。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "北岭区关爱一线环卫工人\n\n"
      "北岭区关爱一线环卫工人：冬日里，暖意浓\n\n"
      "入冬以来，区里为八百名清扫街道的职工送去棉衣和手套，并设立十二处爱心驿站。\n\n"
      "驿站提供热水、休息座椅和充电设备，每天从早上六点开放到晚上九点。\n");
  // then the kicker and title open a second story
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "北岭区关爱一线环卫工人：冬日里，暖意浓");
  EXPECT_EQ(page.items[1].kicker, "北岭区关爱一线环卫工人");
}

TEST(segmenter, never_reads_a_kicker_ending_in_a_dash_alone_as_a_headline_over_a_headline_line) {
  // given: a markdown story signed off, then a part of it under a "——" kicker and a "###" title
  const auto page = segmented(
      "## 临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "（本报记者许安然）\n\n"
      "北岭区城关镇东风社区居委会主任王立新——\n\n"
      "### 寒风中守住小区大门\n\n"
      "2月3日清晨6时，北岭区城关镇东风社区门口，王立新已经站了一个小时。\n");
  // then the kicker does not open a story of its own with the title as its text: it leads into
  // the title, a part of the story (a "###" heading)
  for (const article& a : page.items) EXPECT_NE(a.title, "北岭区城关镇东风社区居委会主任王立新——");
}

TEST(segmenter, never_takes_a_bulleted_summary_point_for_a_title) {
  // given: a headline, two summary points marked "■" under it (the last short and unpunctuated),
  // then the dated text
  const auto page = segmented(
      "临河县出台意见支持小微企业发展\n\n"
      "■再担保业务收费一般不高于省级担保机构，引导合作机构降低担保费率\n\n"
      "■重点支持单户担保金额五百万元及以下小微企业\n\n"
      "本报讯（记者林晓雨）日前，临河县印发《关于发挥政府性融资担保作用支持小微企业发展的意见》。\n\n"
      "意见要求，各担保机构要健全内部考核激励机制，提高支小支农业务占比。\n");
  // then the headline above the points is the title
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].title, "临河县出台意见支持小微企业发展");
}

TEST(segmenter, reads_a_headline_of_phrases_parted_by_a_space_as_a_new_story) {
  // given a story with an in-body subhead, then a headline of two phrases parted by a space,
  // with no dateline, byline or closing line around it, then the next story's text
  const auto page = segmented(
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "农资储备充足\n\n"
      "目前全县已储备化肥三万吨、种子八百吨，春耕农资储备能够满足需要。\n\n"
      "书香满城 阅读暖心\n\n"
      "入冬以来，北岭区新开的三座城市书房每天坐满读者，周末还有亲子阅读和作家分享会。\n\n"
      "城市书房每天开放十三个小时，藏书三万五千册，市民凭身份证即可免费借阅。\n");
  // then the subhead stays in the first story and the spaced headline opens the second
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].paragraphs.size(), 4u);
  EXPECT_EQ(page.items[1].title, "书香满城 阅读暖心");
  EXPECT_EQ(page.items[1].paragraphs.size(), 2u);
}

TEST(segmenter, reads_titles_printed_after_the_body) {
  const auto page = segmented(
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修。\n\n"
      "临河县部署春耕生产\n\n"
      "本报讯（记者许安然）记者昨日获悉，北岭区三座城市书房已投入使用，市民可免费借阅。\n\n"
      "城市书房每天开放十三个小时，藏书三万五千册。\n\n"
      "书香北岭\n\n"
      "北岭区三座城市书房投用\n");
  EXPECT_EQ(page.layout, page_layout::titles_after);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].title, "临河县部署春耕生产");
  EXPECT_EQ(page.items[1].title, "北岭区三座城市书房投用");
  EXPECT_EQ(page.items[1].kicker, "书香北岭");
}

TEST(segmenter, finds_the_lead_a_title_after_its_body_repeats_across_a_subhead_of_that_body) {
  // given: titles after their text; the second story's words are in its lead, then a numbered
  // subhead, then text without them, then its title; right after it the third story's kicker and
  // title over its text
  const auto page = segmented(
      "本报讯（记者许安然）北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅图书，"
      "周末还有亲子阅读活动。\n\n"
      "城市书房每天开放十三个小时，藏书三万五千册。\n\n"
      "北岭区城市书房建成开放\n\n"
      "本报讯（记者林晓雨）临河县今年启动十二个老旧小区改造项目，涉及居民两千余户，"
      "改造内容包括管网更新、外墙保温和加装电梯。\n\n"
      "县住建局介绍，改造分三步推进。第一，摸清居民需求，一楼一策制定方案。\n\n"
      "第二，完善社区配套\n\n"
      "新增停车位四百个，并建设社区食堂和托育点，方便居民生活。\n\n"
      "有关负责人表示，年底前全部完工。\n\n"
      "临河县推进老旧小区改造\n\n"
      "拓宽增收渠道 带动群众致富\n\n"
      "西塘镇特色种植助农增收\n\n"
      "西塘镇今年引导农户发展食用菌和中药材种植，全镇新增种植面积三千亩。\n\n"
      "合作社统一收购，农户每亩增收两千元，今年还将建设冷库和烘干房。\n");
  // then the second title closes its story, read back across the subhead to the lead it
  // repeats, and the kicker and title after it open the third
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].kind, item_kind::article);
  EXPECT_EQ(page.items[1].title, "临河县推进老旧小区改造");
  EXPECT_EQ(page.items[1].paragraphs.size(), 5u);
  EXPECT_EQ(page.items[2].title, "西塘镇特色种植助农增收");
  EXPECT_EQ(page.items[2].kicker, "拓宽增收渠道 带动群众致富");
}

TEST(segmenter, starts_a_story_without_a_cue_where_a_title_after_its_text_closes_it) {
  // given: a story with its title first, then a story with no headline, dateline or sign-off
  // before it whose kicker and title follow its text
  const auto page = segmented(
      "临河县部署春耕生产\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅图书，每天开放十三个小时。\n\n"
      "城市书房藏书三万五千册，还设有少儿阅读区和自习区，开放首周接待读者两千余人次。\n\n"
      "北岭区推进全民阅读——\n\n"
      "三座城市书房开门迎客（书香北岭）\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].title, "临河县部署春耕生产");
  EXPECT_EQ(page.items[0].paragraphs.size(), 2u);
  EXPECT_EQ(page.items[1].title, "三座城市书房开门迎客（书香北岭）");
  EXPECT_EQ(page.items[1].paragraphs.size(), 2u);
}

// "本报记者甲整理" signs off the story it ends: the plain headline after it opens the next one.
// Under a headline the same line is the story's byline.
TEST(segmenter, reads_a_compilers_line_as_a_sign_off_at_a_stories_end_and_a_byline_under_its_headline) {
  const auto page = segmented(
      "临河县召开春耕生产推进会\n\n"
      "本报记者许安然整理\n\n"
      "今年以来，临河县坚持科技兴农，春耕生产各项准备工作有序推进，全县已储备种子三千余吨。\n\n"
      "县农业部门组织技术人员深入田间地头，指导农户科学备耕，确保春耕生产顺利进行。\n\n"
      "本报记者林晓雨整理\n\n"
      "城市书房点亮夜读时光\n\n"
      "北岭区三座城市书房日前投入使用，市民凭借阅证即可免费借阅图书，书房每天开放至深夜。\n\n"
      "书房配备自助借还设备，周末还将举办读书分享会，吸引不少年轻人前来打卡阅读。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].title, "临河县召开春耕生产推进会");
  EXPECT_EQ(page.items[0].names.reporters, (std::vector<std::string>{"许安然", "林晓雨"}));
  EXPECT_EQ(page.items[0].paragraphs.size(), 2u);
  EXPECT_EQ(page.items[1].title, "城市书房点亮夜读时光");
  EXPECT_EQ(page.items[1].paragraphs.size(), 2u);
}

TEST(segmenter, makes_photo_items_from_captions_and_credits) {
  const auto page = segmented(
      "西塘镇花海迎客\n\n\n\n"
      "3月16日，游客在西塘镇油菜花田间游玩。\n\n"
      "本报记者 许安然 摄\n\n\n\n"
      "北岭区城市书房一角。\n\n\n\n"
      "临河县春耕现场。 周明远 摄\n"
      "（本版图片除署名外均由本报记者林晓雨摄）\n");
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].kind, item_kind::photo);
  EXPECT_EQ(page.items[0].title, "西塘镇花海迎客");
  EXPECT_EQ(page.items[0].names.photographers, std::vector<std::string>{"许安然"});
  EXPECT_EQ(page.items[0].captions, std::vector<std::string>{"3月16日，游客在西塘镇油菜花田间游玩。"});
  EXPECT_EQ(page.items[1].names.photographers, std::vector<std::string>{"林晓雨"});
  EXPECT_EQ(page.items[2].captions, std::vector<std::string>{"临河县春耕现场。"});
  EXPECT_EQ(page.items[2].names.photographers, std::vector<std::string>{"周明远"});
}

TEST(segmenter, last_caption_of_a_run_is_a_photo_even_when_text_follows_after_one_blank_line) {
  const auto page = segmented(
      "高新区三十年发展纪实\n\n"
      "本报记者 林晓雨\n\n\n\n"
      "西塘镇花海迎客。\n\n\n\n"
      "北岭区城市书房一角。\n\n"
      "三十年砥砺前行\n\n"
      "三十年来，高新区从无到有、从小到大，成为全市对外开放的重要窗口。\n");
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].kind, item_kind::photo);
  EXPECT_EQ(page.items[2].kind, item_kind::photo);
  EXPECT_EQ(page.items[2].captions, std::vector<std::string>{"北岭区城市书房一角。"});
  EXPECT_EQ(page.items[0].paragraphs.front(), "三十年砥砺前行");
}

// A story wrapped at fourteen characters with its title after it, then a photo gap.
constexpr std::string_view wrapped_story =
    "本报讯（记者林晓雨）昨日，临河\n县召开春耕生产推进会，部署全\n县春耕备耕工作。会议要求，各\n"
    "乡镇要抓紧抓实春耕农资储备和\n农机检修，确保不误农时。\n\n"
    "临河县部署春耕生产\n\n\n";

TEST(segmenter, keeps_a_caption_of_two_sentences_in_a_narrow_column_whole) {
  // given: a photo's caption set in a narrow column, two sentences, the first ending flush with
  // the column (reflow ends a paragraph there), then its credit
  const auto page =
      segmented(std::string(wrapped_story) +
                "春耕时节，临河\n县的田野上处处\n是忙碌的身影。\n农机手驾驶拖拉\n机翻耕土地，为\n播种做好准备。\n\n"
                "周明远 摄\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].kind, item_kind::photo);
  EXPECT_EQ(page.items[1].captions, (std::vector<std::string>{"春耕时节，临河县的田野上处处是忙碌的身影。",
                                                              "农机手驾驶拖拉机翻耕土地，为播种做好准备。"}));
  EXPECT_EQ(page.items[1].names.photographers, std::vector<std::string>{"周明远"});
}

TEST(segmenter, reads_a_headline_set_in_a_captions_block_as_the_photos_title) {
  // given: a photo's title on the first line of its caption's block, wider than the caption's
  // narrow column, then the caption and its credit
  const auto page = segmented(std::string(wrapped_story) +
                              "春耕备耕有序推进（田间地头）\n农机手们早早来到\n田间，检修机具，\n准备播种。\n\n"
                              "周明远 摄\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].kind, item_kind::photo);
  EXPECT_EQ(page.items[1].title, "春耕备耕有序推进（田间地头）");
  EXPECT_EQ(page.items[1].captions, std::vector<std::string>{"农机手们早早来到田间，检修机具，准备播种。"});
}

TEST(segmenter, reads_a_headline_over_photos_as_the_title_of_the_dated_text_under_them) {
  // given: titles before their text, and one story whose headline stands over two photos, its
  // dated first paragraph under their captions
  const auto page = segmented(
      "临河县部署春耕生产\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修。\n\n"
      "北岭区三座城市书房投用\n\n\n\n"
      "3月16日，游客在西塘镇油菜花田间游玩。 本报记者 许安然 摄\n\n\n\n"
      "北岭区城市书房一角。 周明远 摄\n\n"
      "本报讯（记者许安然）记者昨日获悉，北岭区三座城市书房已投入使用，市民可免费借阅。\n\n"
      "城市书房每天开放十三个小时，藏书三万五千册。\n");
  EXPECT_EQ(page.layout, page_layout::titles_before);
  ASSERT_EQ(page.items.size(), 4u);
  EXPECT_EQ(page.items[1].kind, item_kind::article);
  EXPECT_EQ(page.items[1].title, "北岭区三座城市书房投用");
  EXPECT_EQ(page.items[1].paragraphs.back(), "城市书房每天开放十三个小时，藏书三万五千册。");
  EXPECT_EQ(page.items[2].kind, item_kind::photo);
  EXPECT_FALSE(page.items[2].title);
  EXPECT_EQ(page.items[3].kind, item_kind::photo);
}

TEST(segmenter, takes_a_short_title_under_its_kicker_and_not_a_column_label_after_it) {
  // given: a kicker over a title of seven characters, and a story whose column label (four
  // characters) follows its title
  const auto page = segmented(
      "临河县开展春季植树活动\n\n"
      "让荒山披上绿装\n\n"
      "本报讯（记者林晓雨）昨日，临河县两千余名干部群众来到北山，栽下侧柏、刺槐三万余株。\n\n"
      "北岭区三座城市书房投用\n\n"
      "身边好事\n\n"
      "本报讯（记者许安然）记者昨日获悉，北岭区三座城市书房已投入使用，市民可免费借阅。\n\n"
      "西塘花海迎客来（乡村振兴）\n\n"
      "乡镇书记谈发展\n\n"
      "本报讯（记者周明远）连日来，西塘镇千亩油菜花竞相绽放，吸引大批游客前来观赏。\n");
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].title, "让荒山披上绿装");
  EXPECT_EQ(page.items[0].kicker, "临河县开展春季植树活动");
  EXPECT_EQ(page.items[1].title, "北岭区三座城市书房投用");
  // a column tag ends the title: the label of seven characters under it is not the title
  EXPECT_EQ(page.items[2].title, "西塘花海迎客来（乡村振兴）");
  EXPECT_EQ(page.items[2].paragraphs.front().substr(0, 6), "连日");
}

TEST(segmenter, makes_fragments_of_continued_text) {
  const auto page = segmented(
      "项目建设全面提速，一季度完成投资十二亿元。\n\n"
      "（上接A01版①）\n\n"
      "### 逻辑点二 再造\n\n"
      "该市全面再造发展优势，产业优势再造是重中之重。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].kind, item_kind::fragment);
  EXPECT_EQ(page.items[1].kind, item_kind::fragment);
  EXPECT_EQ(page.items[1].continued_from, "A01版①");
  EXPECT_EQ(page.items[1].paragraphs.front(), "逻辑点二 再造");
}

TEST(segmenter, keeps_tables_as_rows_in_a_notice) {
  const auto page = segmented(
      "## 青川市2025年度文艺精品扶持项目公示\n\n"
      "经专家评审，确定以下项目为扶持项目，现予公示。\n\n"
      "项目类别\t项目名称\t申报单位\n"
      "戏剧类\t《春潮》\t临河县文化馆\n"
      "\t《西塘谣》\t北岭区文联\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].kind, item_kind::notice);
  ASSERT_EQ(page.items[0].paragraphs.size(), 4u);
  EXPECT_EQ(page.items[0].paragraphs[3], "\t《西塘谣》\t北岭区文联");
}

TEST(segmenter, keeps_a_subheading_with_a_tab_as_it_is) {
  // given: a markdown subheading inside an open article, its words apart by a tab (classify
  // leaves a heading with a tab a heading, not a table row)
  std::vector<paragraph> ps(3);
  ps[0].text = "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会。";
  ps[1].text = "春 耕\t备耕,有序推进";
  ps[1].md_level = 3;
  ps[2].text = "会议要求，各乡镇要抓紧抓实农资储备。";
  // when
  const auto page = segment(ps, {});
  // then: the subheading is body text, kept untidied like a table row
  ASSERT_EQ(page.items.size(), 1u);
  ASSERT_EQ(page.items[0].paragraphs.size(), 3u);
  EXPECT_EQ(page.items[0].paragraphs[1], "春 耕\t备耕,有序推进");
}

TEST(segmenter, drops_a_paragraph_printed_twice_in_one_article) {
  const auto page = segmented(
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，会议召开，部署春耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实农资储备。\n\n"
      "会议要求，各乡镇要抓紧抓实农资储备。\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs.size(), 2u);
}

TEST(segmenter, takes_author_lines_and_notes) {
  const auto page = segmented(
      "在践行新发展理念中当标杆\n\n"
      "□王立新\n\n"
      "县域稳则大局稳，县域活则全盘活。\n\n"
      "（作者为临河县委书记）\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].names.authors, std::vector<std::string>{"王立新"});
  EXPECT_EQ(page.items[0].paragraphs.size(), 1u);
}

TEST(segmenter, opens_a_story_after_a_sign_off_even_when_its_subheads_match_its_title) {
  // given: an essay signed off by its author's note, then a nine-character title over a story
  // whose subhead is nine characters too: subheads set in parallel would read the title as one
  const auto page = segmented(
      "在践行新发展理念中当标杆\n\n"
      "□王立新\n\n"
      "县域稳则大局稳，县域活则全盘活。临河县把新发展理念落实到项目建设、乡村振兴和民生改善各方面。\n\n"
      "（作者为临河县委书记）\n\n"
      "一场特别的春节联欢\n\n"
      "今年的春节联欢会在北岭区文化中心举行，台上演员都是社区居民，节目由居民自编自演。\n\n"
      "台下坐满了从各个小区赶来的老人和孩子，掌声一阵接着一阵。\n\n"
      "居民自编自演节目多\n\n"
      "联欢会的十二个节目全部由居民自己编排，从快板到合唱，从小品到舞龙，热闹非凡。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "一场特别的春节联欢");
  EXPECT_EQ(page.items[1].paragraphs.size(), 4u);
}

TEST(segmenter, recognises_section_labels) {
  EXPECT_TRUE(is_section_label("政务要闻"));
  EXPECT_FALSE(is_section_label("光荣榜"));
}

// A dated story of about 90 characters under its headline, for the stories that follow it.
constexpr std::string_view dated_story =
    "临河县召开春耕生产推进会\n\n"
    "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。会议指出，"
    "今年全县粮食播种面积稳定在八十万亩以上，春耕生产要早谋划、早部署、早落实。\n\n";

TEST(segmenter, reads_a_short_title_with_a_comma_under_its_kicker_as_a_headline) {
  // given: a story, then a kicker over a short title of two phrases parted by a comma, a summary
  // paragraph and the dated text
  const auto page =
      segmented(std::string(dated_story) +
                "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
                "北岭区持续推进智慧平台建设\n\n"
                "预报更准确，服务更贴心\n\n"
                "日常出行要看天，渔民出海要看天，工程建设也得看天。\n\n"
                "本报北岭3月2日电（记者许安然）如今，天气预报更准确了，预警信息十分钟内送达每个村，服务更贴心了。\n");
  // then the comma does not make the title a cut sentence: the two lines open a second story
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "预报更准确，服务更贴心");
  EXPECT_EQ(page.items[1].kicker, "北岭区持续推进智慧平台建设");
}

TEST(segmenter, opens_a_story_at_a_headline_over_a_bulleted_summary_point) {
  // given: a story, then a plain headline over a text whose first paragraph is a summary's point
  const auto page = segmented(std::string(dated_story) +
                              "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
                              "沿江七县市合作治理流域污染\n\n"
                              "■流域污染是沿江七县市最关切的问题。七县市覆盖了全省四成的人口和一半的岸线。\n\n"
                              "日前，沿江七县市第五次联席会议在北岭区举行，各县市负责人就共同治理流域污染达成一致。\n");
  // then a text begins at the point: the headline opens a second story
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "沿江七县市合作治理流域污染");
}

TEST(segmenter, opens_a_story_at_a_headline_with_a_comma_over_a_byline) {
  // given: a dated story, then a headline whose two phrases are parted by a comma, a byline line
  // and a text: a sentence cut short is never followed by a byline
  const auto page = segmented(std::string(dated_story) +
                              "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
                              "守护一河清水，留住乡愁记忆\n\n"
                              "本报记者 周明远\n\n"
                              "西塘村的小河曾经淤塞发臭，村民们绕道而行。去年以来，村里清淤疏浚、修建步道，"
                              "沿岸种下柳树和桃树。\n\n"
                              "如今河水清澈见底，傍晚时分，老人们在河边散步聊天，孩子们在步道上追逐嬉戏。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "守护一河清水，留住乡愁记忆");
  EXPECT_EQ(page.items[1].names.reporters, std::vector<std::string>{"周明远"});
}

TEST(segmenter, opens_a_story_at_a_kicker_and_title_set_on_one_line) {
  // given: a dated story, then "kicker—— title" on one line over a plain text
  const auto page = segmented(std::string(dated_story) +
                              "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
                              "西塘镇—— 建起村民议事厅\n\n"
                              "“有事大家商量着办，心里敞亮。”西塘镇村民说。\n\n"
                              "今年以来，西塘镇在十二个行政村建起村民议事厅，春耕生产、修路建园都拿到厅里议，"
                              "各乡镇纷纷前来学习。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "西塘镇——建起村民议事厅");
}

TEST(segmenter, starts_a_story_where_the_text_leaves_the_words_of_the_story_headline) {
  // given: a dated story with a subhead, then a plain headline with no byline or dateline whose
  // text shares no words with the first story's headline
  const auto page = segmented(std::string(dated_story) +
                              "春耕农资储备充足\n\n"
                              "会议要求，临河县各乡镇要抓紧抓实春耕农资储备和农机检修，做好春耕生产技术指导服务，"
                              "确保春耕生产不误农时，为全年粮食丰收打下坚实基础。\n\n"
                              "北岭区三座城市书房建成开放\n\n"
                              "记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放，市民凭身份证即可免费借阅图书，"
                              "书房面积均在两百平方米以上，藏书共计三万余册，配有自助借还设备和少儿阅读区。\n\n"
                              "书房实行全天开放，读者可在夜间自助进入阅读，周末还将举办读书分享会和亲子阅读活动。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].title, "临河县召开春耕生产推进会");
  EXPECT_EQ(page.items[0].paragraphs.size(), 3u);  // the subhead stays in its story
  EXPECT_EQ(page.items[1].title, "北岭区三座城市书房建成开放");
}

TEST(segmenter, keeps_subheads_set_in_parallel_in_their_story) {
  // given: a story whose three subheads share one outline, and whose sections move away from
  // its headline's words
  const auto page = segmented(
      std::string(dated_story) +
      "化肥种子备足备好\n\n"
      "全县已调运化肥三万吨、良种八百吨，供销网点延伸到每个行政村，群众在家门口就能买到放心农资，"
      "价格比去年同期略有下降，货源充足，各乡镇还设立了农资质量监督点，严防假冒伪劣产品流入市场。\n\n"
      "农机手们忙着检修\n\n"
      "在西塘镇一处维修点，十几台拖拉机排成一排，维修师傅逐台检查发动机和液压系统，更换磨损配件，"
      "确保机器下地就能干活。维修点负责人说，今年预约检修的农机比去年多了三成，师傅们每天要忙到天黑才收工。\n\n"
      "技术人员走进田间\n\n"
      "两百余名技术人员分成四十个小组，深入田间地头指导群众科学施肥、合理密植，"
      "并通过手机群随时解答大家提出的各种问题，还把病虫害防治要点印成明白纸，挨家挨户发到群众手中。\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs.size(), 7u);
}

TEST(segmenter, reads_a_note_in_brackets_as_the_end_of_a_story) {
  // given: a story that ends with a note on its source, then a plain headline and its text, in
  // the same county as the story before
  const auto page = segmented(std::string(dated_story) +
                              "（摘编自3月2日《临河日报》）\n\n"
                              "三座城市书房建成开放\n\n"
                              "记者从临河县文化和旅游局获悉，三座城市书房日前建成开放，市民凭身份证即可免费借阅图书，"
                              "书房面积均在两百平方米以上，藏书共计三万余册。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].paragraphs.back(), "（摘编自3月2日《临河日报》）");
  EXPECT_EQ(page.items[1].title, "三座城市书房建成开放");
}

TEST(segmenter, reads_a_jump_marker_on_its_own_line_as_the_end_of_a_story) {
  // given: a story continued on another page ("（下转A05版）" alone on its line), then a short
  // plain headline and its text
  const auto page = segmented(std::string(dated_story) +
                              "全县各乡镇已组织农机手开展检修，农资供应网点延伸到每个行政村，\n\n"
                              "（下转A05版）\n\n"
                              "技术员夜里守望田野\n\n"
                              "夜色渐深，城关镇的技术员周明远还在守望田野，查看墒情，手电筒的光"
                              "一次次掠过刚刚翻过的土地。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "技术员夜里守望田野");
}

TEST(segmenter, reads_a_title_that_could_close_the_story_before_it_as_opening_its_own_where_titles_come_first) {
  // given: a page whose titles stand before their text; a dated text after a stray line; a
  // tagged title whose lead shares none of its words, with a dateline after it; a tagged
  // roundup title over a byline whose sections have titles and bylines of their own. Read
  // alone, the tagged titles could each close the text before them, and the roundup's first
  // section open the roundup's text.
  const auto page = segmented(
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作，要求各乡镇抓紧抓实农资储备。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时，为全年粮食丰收打下基础。\n\n"
      "北岭区与南湾市签署合作协议\n\n"
      "另据了解，东湖公园今年还将新建两座儿童游乐场，方便市民带孩子游玩。\n\n"
      "新华社南湾3月1日电 北岭区与南湾市昨日在南湾签署合作协议，双方将在港口物流、旅游和人才培养等领域开展合作，"
      "共同推动区域协调发展。\n\n"
      "协议提出，两地将联合建设物流园区，开通旅游专线，互派干部挂职锻炼，每年召开一次联席会议，"
      "协调解决合作中遇到的问题。\n\n"
      "南湾市负责人表示，将以此次签约为契机，推动合作项目尽快落地见效，让两地群众共享发展成果。\n\n"
      "旧手机里的照片该怎么保存（生活课堂）\n\n"
      "本报讯（记者周明远）去年冬天，家住东湖街道的陈女士整理抽屉时，翻出了十年前用过的一部老式设备，"
      "却怎么也开不了机。\n\n"
      "专家建议，可以定期把影像导入电脑或移动硬盘，并在两个不同的地方各保存一份，避免因设备故障造成损失。\n\n"
      "对于年代较久的设备，如果无法开机，可以请专业人员读取存储芯片，但要选择信誉良好的机构，防止隐私泄露。\n\n"
      "（作者为北岭大学信息学院教授）\n\n"
      "春天里的好日子（节日一线）\n\n"
      "本报记者 许安然 王小川\n\n"
      "卫生室的灯亮得早\n\n"
      "本报记者许安然\n\n"
      "清晨七点，西塘村卫生室就亮起了灯，刚到村里工作的医生王晓霞正在整理药品，准备迎接当天的第一批病人。\n\n"
      "王晓霞毕业于省医科大学，去年主动报名到基层工作。她说，村里老人多，慢性病患者多，"
      "最需要的就是身边有个靠得住的医生。\n\n"
      "渡口边的新客船\n\n"
      "本报记者王小川\n\n"
      "正月初三，南湾渡口人来人往，一艘新客船停靠在码头，船长刘大海正招呼乘客有序登船。\n\n"
      "刘大海说，新客船宽敞明亮，还装了空调，乡亲们过江走亲戚更方便了。\n\n"
      "东湖公园樱花进入盛花期\n\n"
      "本报讯（记者林晓雨）连日来，东湖公园的樱花陆续进入盛花期，吸引了大批市民前来赏花拍照。\n\n"
      "南湾市启用新版公交线路图\n\n"
      "本报讯（记者周明远）南湾市新版公交线路图日前启用，市民可在各站台和手机应用上查看线路走向和换乘信息。\n\n"
      "北岭区开展春季植树活动\n\n"
      "本报讯（记者许安然）北岭区昨日组织机关干部和志愿者在西山开展春季植树活动，共栽种各类苗木三千余株。\n");
  ASSERT_GE(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "旧手机里的照片该怎么保存（生活课堂）");
  EXPECT_TRUE(page.items[1].paragraphs.front().starts_with("去年冬天"));
  EXPECT_EQ(page.items[2].title, "春天里的好日子（节日一线）");
  EXPECT_TRUE(page.items[2].paragraphs.at(1).starts_with("清晨七点"));
  EXPECT_EQ(page.layout, page_layout::titles_before);
}

TEST(segmenter, reads_a_title_right_under_another_as_opening_the_dated_text_after_it) {
  // given: titles after their text, then a title over a dated text: the second title is not
  // read as closing a story (the first title is no text whose words it could share)
  const auto page = segmented(
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "临河县部署春耕生产\n\n"
      "北岭区新建三座城市书房\n\n"
      "本报北岭3月2日电（记者周明远）北岭区新建的三座城市书房日前开放，市民凭身份证即可免费借阅图书。\n\n"
      "城市书房每天开放到晚上九点，节假日不休息，周末还有面向孩子们的读书会。\n\n"
      "本报讯（记者许安然）城关镇今年启动十二个老旧小区改造项目，涉及居民两千余户。\n\n"
      "改造内容包括管网更新、外墙保温、加装电梯和停车位建设，预计年底前全部完工。\n\n"
      "城关镇推进老旧小区改造\n");
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].title, "临河县部署春耕生产");
  EXPECT_EQ(page.items[1].title, "北岭区新建三座城市书房");
  EXPECT_TRUE(page.items[1].paragraphs.front().starts_with("北岭区新建的三座城市书房"));
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
}

TEST(segmenter, keeps_a_line_ending_with_a_colon_over_a_list_in_the_story) {
  // given: a dated story signed off by its author's note, then a short line ending with a colon
  // over a numbered list: the line introduces the list, it is no headline
  const auto page = segmented(std::string(dated_story) +
                              "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
                              "（作者为临河县农业农村局局长）\n\n"
                              "参考资料：\n\n"
                              "1.《土壤肥料学通论》：王立新主编；科学出版社出版。\n\n"
                              "2.《作物栽培学》：许安然主编；高等教育出版社出版。\n");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].paragraphs.back(), "2.《作物栽培学》：许安然主编；高等教育出版社出版。");
}

TEST(segmenter, never_reads_a_subtitle_under_a_headline_as_its_text) {
  // given: a dated story, then a text without a headline, signed off, and after a wide gap a
  // headline and its "——" subtitle ending the page: the headline of the text before it
  const auto page =
      segmented(std::string(dated_story) +
                "西塘村的清晨总是从卫生室开始。刚到村里工作的医生王晓霞整理好药品，迎接当天的第一批病人。\n\n"
                "王晓霞毕业于省医科大学，去年主动报名到基层工作。她说，村里老人多，最需要身边有个靠得住的医生。\n\n"
                "如今，她每周都会上门为行动不便的老人测量血压，村民们都说，看病心里踏实多了。\n\n"
                "（本报记者 许安然）\n\n\n"
                "乡村医生 守护健康\n\n"
                "——记西塘村卫生室医生王晓霞\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].paragraphs.size(), 1u);
  EXPECT_EQ(page.items[1].title, "乡村医生 守护健康");
  EXPECT_EQ(page.items[1].subtitle, "记西塘村卫生室医生王晓霞");
  EXPECT_TRUE(page.items[1].paragraphs.front().starts_with("西塘村的清晨"));
}

TEST(segmenter, opens_a_story_at_a_headline_over_a_dateline_after_a_lead_in) {
  // given: a dated story, then a plain headline over text whose dateline comes after a lead-in
  // of a few words; the text keeps them
  const auto page =
      segmented(std::string(dated_story) +
                "北岭区新建三座城市书房\n\n"
                "目前，本报讯（记者周明远）北岭区三座城市书房日前建成开放，市民凭身份证即可免费借阅图书。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "北岭区新建三座城市书房");
  EXPECT_TRUE(page.items[1].paragraphs.front().starts_with("目前，本报讯（记者周明远）"));
}

// Two briefs, each signed off by its source in brackets.
constexpr std::string_view briefs =
    "北岭区新建三座城市书房\n\n"
    "本报讯 记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放，市民凭身份证即可免费借阅图书。\n\n"
    "（林晓雨）\n\n"
    "临河县开通两条乡村公交\n\n"
    "本报讯 临河县日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。\n\n"
    "（周明远）\n\n";

// A long story after the column.
constexpr std::string_view long_story =
    "城关镇推进老旧小区改造\n\n"
    "本报讯（记者许安然）城关镇今年启动十二个老旧小区改造项目，涉及居民两千余户。"
    "改造内容包括管网更新、外墙保温、加装电梯和停车位建设，预计年底前全部完工。"
    "镇里成立了专班，逐个小区听取居民意见，改造方案经居民议事会讨论通过后再开工。"
    "已完工的三个小区，居民满意率达到百分之九十以上。"
    "镇党委负责人表示，下一步将把改造与社区服务结合起来，在小区内建设养老服务站和便民服务点，"
    "让居民在家门口就能办事、就医、买菜，老旧小区改造不仅要改好面子，更要改好里子。\n";

// Another long story, on other things than the first.
constexpr std::string_view second_long_story =
    "滨江公园完成生态修复\n\n"
    "本报讯（记者王小川）历时两年的滨江公园生态修复工程近日完工，湿地面积扩大到八十公顷。"
    "工程拆除了沿岸的硬质护坡，种下芦苇、菖蒲等水生植物，为候鸟留出了栖息的滩涂。"
    "园林部门在湿地里设置了观鸟屋和木栈道，游客可以在不打扰鸟类的前提下近距离观察。"
    "今年冬天，已有白鹭、苍鹭等二十多种水鸟在公园停留越冬。"
    "公园管理处表示，将定期监测水质和鸟类数量，并邀请志愿者参与巡护，"
    "让修复后的湿地成为市民亲近自然、了解生态保护的课堂。\n";

TEST(segmenter, reads_a_short_line_over_a_first_numbered_part_as_a_new_story) {
  // given: a story ending in a full stop, then a two-character title over "一" and an essay
  // that shares no words with the story
  const auto page = segmented(std::string(dated_story) +
                              "渡口\n\n"
                              "一\n\n"
                              "小时候，外婆家门前有一个渡口，一条木船，一位撑船的老人。"
                              "每天清晨，赶集的人挑着担子在岸边等船，船桨划开薄雾，水声哗哗地响。\n\n"
                              "二\n\n"
                              "后来河上修了桥，渡口冷清了，老人还是每天把船擦得干干净净。\n");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "渡口");
  EXPECT_EQ(page.items[1].paragraphs.front(), "一");
}

TEST(segmenter, joins_a_column_of_briefs_under_its_label_into_one_item) {
  // given: a story, the label "简讯" over two briefs each signed off by its source, a long story
  const auto page = segmented(std::string(dated_story) + "简讯\n\n" + std::string(briefs) + std::string(long_story));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "简讯");
  EXPECT_EQ(page.items[1].paragraphs,
            (std::vector<std::string>{
                "北岭区新建三座城市书房",
                "本报讯记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放，市民凭身份证即可免费借阅图书。",
                "（林晓雨）", "临河县开通两条乡村公交",
                "本报讯临河县日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。", "（周明远）"}));
  // a brief's dateline stays in its text: the item's dateline would be one brief's only
  EXPECT_EQ(page.items[1].dateline, std::nullopt);
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
}

TEST(segmenter, joins_briefs_under_a_label_after_a_short_rubric) {
  // given: a story, a label of six characters after a rubric and a colon, over two signed briefs
  const auto page = segmented(std::string(dated_story) + "周末读报：乡村振兴快讯\n\n" + std::string(briefs) +
                              std::string(long_story));
  // then the line heads the column: the rubric does not count against the label's length
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "周末读报：乡村振兴快讯");
  EXPECT_EQ(page.items[1].paragraphs.size(), 6u);
}

TEST(segmenter, joins_briefs_under_a_label_over_another_label_and_a_byline) {
  // given: a story, the label "简讯" over a second label and a byline line, then two briefs each
  // signed off by its source, a long story: the top label heads the column
  const auto page = segmented(std::string(dated_story) + "简讯\n\n街坊事\n\n本报记者 周明远\n\n" + std::string(briefs) +
                              std::string(long_story));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "简讯");
  ASSERT_EQ(page.items[1].paragraphs.size(), 7u);
  EXPECT_EQ(page.items[1].paragraphs[0], "街坊事");
  EXPECT_EQ(page.items[1].paragraphs[1], "北岭区新建三座城市书房");
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
}

TEST(segmenter, joins_unsigned_briefs_under_a_label_over_a_byline_into_one_item) {
  // given: a story, the label "乡村快讯" over a byline line, then two dated briefs signed by no
  // source, the second with a summary line under its title, then a long story
  const auto page =
      segmented(std::string(dated_story) +
                "乡村快讯\n\n"
                "本报记者 周明远\n\n"
                "临河县开通两条乡村公交\n\n"
                "本报临河3月2日电（记者林晓雨）临河县日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。\n\n"
                "北岭区建成三座城市书房\n\n"
                "市民凭身份证即可免费借阅图书，书房每天开放到晚上九点\n\n"
                "本报北岭3月2日电（记者许安然）记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放。\n\n" +
                std::string(long_story));
  // then the label heads one item holding both briefs; the long story stands alone
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "乡村快讯");
  ASSERT_EQ(page.items[1].paragraphs.size(), 5u);
  EXPECT_EQ(page.items[1].paragraphs[0], "临河县开通两条乡村公交");
  EXPECT_EQ(page.items[1].paragraphs[3], "市民凭身份证即可免费借阅图书，书房每天开放到晚上九点");
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
  // without the byline line under the label, unsigned briefs stay stories of their own
  const auto uncompiled =
      segmented(std::string(dated_story) +
                "乡村快讯\n\n"
                "临河县开通两条乡村公交\n\n"
                "本报临河3月2日电（记者林晓雨）临河县日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。\n\n"
                "北岭区建成三座城市书房\n\n"
                "本报北岭3月2日电（记者许安然）记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放。\n\n" +
                std::string(long_story));
  EXPECT_EQ(uncompiled.items.size(), 4u);
}

TEST(segmenter, reads_a_byline_between_a_label_and_a_title_as_evidence_of_a_headline) {
  // given: a story without a sign-off, then a label over a byline line over a title whose text
  // has no dateline, signed off by its source, and a second brief
  const auto page =
      segmented(std::string(dated_story) +
                "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时，农技人员要深入田间地头。\n\n"
                "一周简讯\n\n"
                "本报记者 周明远\n\n"
                "北岭区三座城市书房日前建成开放\n\n"
                "市民凭身份证即可在新建的城市书房免费借阅图书，书房每天开放到晚上九点。\n\n"
                "（许安然）\n\n"
                "临河县开通两条乡村公交\n\n"
                "沿线十二个行政村的群众出行更加方便，票价统一为两元。\n\n"
                "（林晓雨）\n");
  // then the byline speaks for the run as a headline: the label heads a column of two briefs
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].title, "一周简讯");
  EXPECT_EQ(page.items[1].paragraphs.front(), "北岭区三座城市书房日前建成开放");
}

TEST(segmenter, joins_briefs_under_a_label_whose_first_title_reads_as_a_subhead) {
  // given: markdown, the label "## 简讯" over a brief titled "### …", then a brief whose title
  // lost its marks: the first brief's title reads as a subhead of the label's text
  const auto page = segmented("## " + std::string(long_story) + "\n## 简讯\n\n### " + std::string(briefs) + "## " +
                              std::string(second_long_story));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "简讯");
  ASSERT_EQ(page.items[1].paragraphs.size(), 6u);
  EXPECT_EQ(page.items[1].paragraphs[3], "临河县开通两条乡村公交");
}

TEST(segmenter, joins_briefs_under_a_label_printed_after_them_where_titles_follow_their_text) {
  // given: titles after their text, then two briefs (each title over its text, signed off by its
  // source) and after them the label "简讯", then another story with its title after it: each
  // brief's title reads as the title closing the text before it
  const auto page = segmented(
      "本报讯（记者林晓雨）昨日，临河县召开春耕生产推进会，部署全县春耕备耕工作。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "临河县部署春耕生产\n——各乡镇抓紧抓实春耕备耕\n\n"
      "北岭区新建三座城市书房\n\n"
      "记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放，市民凭身份证即可免费借阅图书。\n\n"
      "（据新华社电）\n\n"
      "西塘镇新开两条乡村公交线路 十二个村通上公交\n\n"
      "西塘镇日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。\n\n"
      "（本报北岭电）\n\n"
      "简讯\n\n"
      "本报讯（记者许安然）城关镇今年启动十二个老旧小区改造项目，涉及居民两千余户。\n\n"
      "改造内容包括管网更新、外墙保温、加装电梯和停车位建设，预计年底前全部完工。\n\n"
      "城关镇推进老旧小区改造\n");
  EXPECT_EQ(page.layout, page_layout::titles_after);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "简讯");
  EXPECT_EQ(page.items[1].paragraphs,
            (std::vector<std::string>{
                "北岭区新建三座城市书房",
                "记者从北岭区文化和旅游局获悉，三座城市书房日前建成开放，市民凭身份证即可免费借阅图书。",
                "（据新华社电）", "西塘镇新开两条乡村公交线路 十二个村通上公交",
                "西塘镇日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。", "（本报北岭电）"}));
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造");
}

TEST(segmenter, joins_briefs_titled_above_their_text_under_a_label_printed_after_them) {
  // given: titles after their text; then two briefs, each title read as opening its dated text
  // and each signed off by its source; the label "简讯" as a line of its own after them; then a
  // dated story with its title after it
  const auto page = segmented(
      "今年以来，临河县坚持把春耕生产作为头等大事，组织农技人员深入田间地头，指导农户科学播种、合理施肥。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "（作者为临河县农业农村局干部）\n\n"
      "春耕备耕正当时\n——临河县春耕生产见闻\n\n"
      "北岭区新建三座城市书房\n\n"
      "本报电北岭区新建的三座城市书房日前开放，市民凭身份证即可免费借阅图书。\n\n"
      "（许安然）\n\n"
      "西塘镇开通两条乡村公交线路\n\n"
      "本报电西塘镇日前开通两条乡村公交线路，沿线十二个行政村的群众出行更加方便。\n\n"
      "（周明远）\n\n"
      "简讯\n\n"
      "本报讯（记者许安然）城关镇今年启动十二个老旧小区改造项目，涉及居民两千余户。\n\n"
      "改造内容包括管网更新、外墙保温、加装电梯和停车位建设，预计年底前全部完工。\n\n"
      "城关镇推进老旧小区改造（民生实事）\n");
  // then the label closes one item holding both briefs
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[1].title, "简讯");
  ASSERT_EQ(page.items[1].paragraphs.size(), 6u);
  EXPECT_EQ(page.items[1].paragraphs[0], "北岭区新建三座城市书房");
  EXPECT_EQ(page.items[2].title, "城关镇推进老旧小区改造（民生实事）");
}

TEST(segmenter, keeps_briefs_apart_without_a_label_over_them) {
  // given: the same briefs with no label over them: two stories of their own
  const auto page = segmented(std::string(dated_story) + std::string(briefs) + std::string(long_story));
  ASSERT_EQ(page.items.size(), 4u);
  EXPECT_EQ(page.items[1].title, "北岭区新建三座城市书房");
  EXPECT_EQ(page.items[2].title, "临河县开通两条乡村公交");
}

TEST(segmenter, keeps_a_label_over_a_long_story_as_its_kicker) {
  // given: a label over a long story, then the briefs: the label names the story, not a column
  const auto page =
      segmented(std::string(dated_story) + "简讯\n\n" + std::string(long_story) + "\n" + std::string(briefs));
  ASSERT_EQ(page.items.size(), 4u);
  EXPECT_EQ(page.items[1].title, "城关镇推进老旧小区改造");
  EXPECT_EQ(page.items[1].kicker, "简讯");
  EXPECT_EQ(page.items[2].title, "北岭区新建三座城市书房");
}

// Three stories printed over and over, the numbers in them counting up (a paragraph printed
// twice on a page is dropped as a repeat), until the text is at least `bytes` long.
std::string numbered_stories(std::size_t bytes) {
  std::string page;
  for (int k = 1; page.size() < bytes; ++k) {
    const std::string n = std::to_string(k);
    page += "临河县第" + n + "批春耕物资送达田间\n\n" +
            "本报讯（记者林晓雨）" + n + "日，临河县第" + n + "批春耕物资运抵各乡镇，化肥、种子和农膜直接送到种植户手中。\n\n" +
            "县农业农村局介绍，今年全县计划春播粮食作物" + n + "万亩，各乡镇已组织农机手检修机具。\n\n" +
            "北岭区第" + n + "座城市书房投入使用\n\n" +
            "本报讯（记者许安然）北岭区第" + n + "座城市书房昨日开门迎客，书房藏书八千册，全天向市民免费开放。\n\n" +
            "书房由闲置门面改建而成，设有阅读区、亲子区和自习区，可同时容纳" + n + "人阅读。\n\n" +
            "西塘镇第" + n + "届农民运动会开幕\n\n" +
            "本报讯（通讯员周明远）第" + n + "届西塘镇农民运动会近日开幕，来自各村的四百余名选手参加拔河、挑担等比赛。\n\n" +
            "运动会持续三天，设" + n + "个比赛项目，所有项目都从田间劳动中演化而来。\n\n";
  }
  return page;
}

// A page's items by title and paragraphs, for comparing two readings.
std::vector<std::string> items_of(const segmented_page& page) {
  std::vector<std::string> out;
  for (const article& a : page.items) {
    std::string item = a.title.value_or("(untitled)");
    for (const auto& p : a.paragraphs) item += " | " + p.substr(0, 12);
    out.push_back(std::move(item));
  }
  return out;
}

// A page longer than its segmenter's section is read in sections, each section's last story
// again at the start of the next: wherever a section ends, no story is cut, and the page reads
// as it reads whole (while the section holds twice its longest story; a longer story is cut).
TEST(segmenter, reads_a_page_in_sections_as_it_reads_it_whole) {
  // given two fixture pages, one after the other, that read together as each reads alone, their
  // longest story under 1 KB
  const std::filesystem::path dir = std::filesystem::path(BROADSHEET_TEST_DATA) / "pages";
  const std::string first = testing::read_file(dir / "09_continuation_fragments.txt");
  const std::string second = testing::read_file(dir / "14_same_reporter.txt");
  std::vector<std::string> alone = items_of(segmented(first));
  for (auto& item : items_of(segmented(second))) alone.push_back(std::move(item));
  page_cleaner cleaner;
  auto cleaned = cleaner.clean(first + "\n\n" + second);
  ASSERT_TRUE(cleaned);
  const reflowed_page page = reflow(std::move(*cleaned));
  const std::vector<std::string> whole = items_of(segmenter().segment(page.paragraphs, page.cleaned.default_photographers));
  ASSERT_EQ(whole, alone);
  for (std::size_t section = 2048; section < first.size() + second.size(); section += 512) {
    // when it is read in sections of that many bytes
    const std::vector<std::string> parts =
        items_of(segmenter(section).segment(page.paragraphs, page.cleaned.default_photographers));
    // then
    EXPECT_EQ(parts, whole) << "sections of " << section << " bytes";
  }
}

std::size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int read = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return read == 2 ? resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// The bytes a segmenter still holds resident after reading the page's text (0 where /proc does
// not tell); paragraphs: how many the page reflowed into.
std::size_t kept_after_reading(const std::string& text, std::size_t& paragraphs) {
  segmenter reader;
  page_cleaner cleaner;
  auto cleaned = cleaner.clean(text);
  EXPECT_TRUE(cleaned);
  const reflowed_page page = reflow(std::move(*cleaned));
  paragraphs = page.paragraphs.size();
  const std::size_t before = resident_bytes();
  const segmented_page read = reader.segment(page.paragraphs, page.cleaned.default_photographers);
  EXPECT_FALSE(read.items.empty());
  const std::size_t after = resident_bytes();
  return before == 0 ? 0 : after - std::min(before, after);
}

// The words of a page are bitsets as wide as the page has bigrams, and each paragraph has a few:
// read whole, a page of megabytes held gigabytes (a 2 MB page 1.1 GB), and its segmenter kept
// them for the next page. Read in sections, the memory is a section's.
TEST(segmenter, keeps_the_memory_of_a_section_after_a_page_of_megabytes) {
  if (resident_bytes() == 0) GTEST_SKIP() << "no /proc/self/statm";
  std::size_t paragraphs = 0;
  const std::size_t kept = kept_after_reading(numbered_stories(std::size_t{3} << 19), paragraphs);  // 1.5 MB
  EXPECT_LT(kept, std::size_t{48} << 20) << "bytes resident after the page: " << kept;
}

// A list of short lines (names) has many paragraphs to few bytes, and each paragraph a few bags
// as wide as its section's bytes: a section is also at most section_paragraphs long.
TEST(segmenter, keeps_the_memory_of_a_section_after_a_list_of_thousands_of_lines) {
  if (resident_bytes() == 0) GTEST_SKIP() << "no /proc/self/statm";
  const std::string_view syllables = "林晓雨许安然周明远石玉珍严俊峰胡秀芳高振邦";  // 21 characters
  std::string page;
  for (std::size_t k = 0; page.size() < (std::size_t{1} << 18); ++k) {
    for (const std::size_t at : {k % 21, k / 21 % 21, k / 441 % 21}) page += syllables.substr(at * 3, 3);
    page += "\n\n";
  }
  std::size_t paragraphs = 0;
  const std::size_t kept = kept_after_reading(page, paragraphs);
  EXPECT_GT(paragraphs, 20000u);
  EXPECT_LT(kept, std::size_t{48} << 20) << "bytes resident after the page: " << kept;
}

}  // namespace
}  // namespace broadsheet::pipeline
