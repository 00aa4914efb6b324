#include "pipeline/reflow.h"

#include <gtest/gtest.h>

#include "pipeline/byline.h"
#include "pipeline/dateline.h"
#include "tests/pipeline/page_test_support.h"

namespace broadsheet::pipeline {
namespace {

std::vector<std::string> reflowed(std::string_view text) {
  page_cleaner cleaner;
  auto cleaned = cleaner.clean(text);
  EXPECT_TRUE(cleaned);
  std::vector<std::string> out;
  const reflowed_page page = reflow(std::move(*cleaned));
  for (const paragraph& p : page.paragraphs) out.emplace_back(p.text);
  return out;
}

// Calls check with every fixture page's path and its page reflowed.
template <typename Check>
void for_every_fixture_page(Check check) {
  const auto pages = testing::files_with_extension(std::filesystem::path(BROADSHEET_TEST_DATA) / "pages", ".txt");
  ASSERT_FALSE(pages.empty());
  for (const auto& path : pages) {
    page_cleaner cleaner;
    auto cleaned = cleaner.clean(testing::read_file(path));
    ASSERT_TRUE(cleaned) << path;
    check(path, reflow(std::move(*cleaned)));
  }
}

TEST(reflow, joins_hard_wrapped_lines_and_breaks_after_a_short_final_line) {
  const auto ps = reflowed(
      "本报讯（记者林晓雨） 3 月\n"
      "17日上午，临河县召开春耕生产\n"
      "推进会，部署全县春耕备耕工作\n"
      "和农资储备，县委副书记陈立国\n"
      "出席会议并讲话。\n"
      "会议要求各乡镇抓紧抓实农资储\n"
      "备、农机检修和技术培训，确保\n"
      "不误农时，为丰收打好基础。\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0],
            "本报讯（记者林晓雨） 3 "
            "月17日上午，临河县召开春耕生产推进会，部署全县春耕备耕工作和农资储备，县委副书记陈立国出席会议并讲话。");
  EXPECT_EQ(ps[1].substr(0, 6), "会议");
}

// The characters reflow counts line by line as it joins are those of the paragraph's text.
TEST(reflow, counts_a_paragraphs_visible_characters_as_it_joins_its_lines) {
  for_every_fixture_page([](const std::filesystem::path& path, const reflowed_page& reflowed) {
    for (const paragraph& p : reflowed.paragraphs) {
      EXPECT_EQ(p.chars, visible_chars(p.text)) << path << ": " << p.text;
    }
  });
  // a paragraph made otherwise is counted when asked
  EXPECT_EQ(visible_chars(paragraph{.text = "临河 县"}), 3u);
}

// What reflow hands a paragraph of one line about that line (paragraph::line) is what the
// paragraph's facts would read of its text, on every page.
TEST(reflow, hands_a_one_line_paragraph_what_it_read_of_the_line) {
  std::size_t read = 0, no_byline = 0, credits = 0;
  for_every_fixture_page([&](const std::filesystem::path& path, const reflowed_page& reflowed) {
    for (const paragraph& p : reflowed.paragraphs) {
      EXPECT_EQ(p.line.read, p.line_count == 1) << path << ": " << p.text;
      if (!p.line.read) continue;
      ++read;
      no_byline += p.line.no_byline ? 1 : 0;
      if (p.line.no_byline) {
        EXPECT_FALSE(match_byline_line(p.text)) << path << ": " << p.text;
      }
      EXPECT_EQ(p.line.dateline, dateline_length(p.text) > 0 || has_dateline_after_lead_in(p.text))
          << path << ": " << p.text;
      EXPECT_EQ(p.line.end.sentence, how_it_ends(p.text).sentence) << path << ": " << p.text;
      EXPECT_EQ(p.line.end.mid_clause, how_it_ends(p.text).mid_clause) << path << ": " << p.text;
      EXPECT_EQ(p.line.enumerated, starts_enumerated(p.text)) << path << ": " << p.text;
      const auto credit = p.text.size() <= 600 && p.text.ends_with("摄") ? match_photo_credit(p.text) : std::nullopt;
      ASSERT_EQ(p.line.credit != nullptr, credit.has_value()) << path << ": " << p.text;
      if (credit) {
        ++credits;
        EXPECT_EQ(p.line.credit->photographers, credit->photographers) << path << ": " << p.text;
        EXPECT_EQ(p.line.credit->caption_end, credit->caption_end) << path << ": " << p.text;
      }
    }
  });
  EXPECT_GT(read, 0u);
  EXPECT_GT(no_byline, 0u);
  EXPECT_GT(credits, 0u);
  // given a byline line and a short line of text, each a paragraph of its own
  page_cleaner cleaner;
  auto cleaned = cleaner.clean("本报记者 林晓雨\n\n春耕生产推进会召开\n");
  ASSERT_TRUE(cleaned);
  // when
  const reflowed_page page = reflow(std::move(*cleaned));
  // then
  ASSERT_EQ(page.paragraphs.size(), 2u);
  EXPECT_FALSE(page.paragraphs[0].line.no_byline);
  EXPECT_TRUE(page.paragraphs[1].line.no_byline);
}

TEST(reflow, joins_a_paragraph_cut_by_a_column_break) {
  const auto ps = reflowed(
      "会议指出，各级各部门要采取步行调查、登高望远等一线工作方法，全面排查发现问\n\n"
      "题，对照标准立即整改。\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_NE(ps[0].find("发现问题，对照"), std::string::npos);
}

TEST(reflow, joins_runs_of_short_fragments_each_cut_by_a_blank_line) {
  const auto ps = reflowed(
      "本次活动由市委宣传部、\n\n"
      "市网信办联合主办，将开展\n\n"
      "网络安全进社\n\n"
      "区、进校园等活\n\n"
      "动。\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0], "本次活动由市委宣传部、市网信办联合主办，将开展网络安全进社区、进校园等活动。");
}

TEST(reflow, does_not_glue_a_headline_to_an_unfinished_paragraph) {
  const auto ps = reflowed(
      "南部，围绕文化塑魂，以总投资超百亿元的项目为代表，致力于把西塘\n\n"
      "临河县召开春耕生产推进会\n\n"
      "本报讯（记者林晓雨）昨日，会议召开。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "临河县召开春耕生产推进会");
}

TEST(reflow, keeps_headings_and_bylines_apart) {
  const auto ps = reflowed(
      "一、提高站位，深刻领会科学内涵\n\n"
      "2025年是开局之年，必须全力以赴推动高质量发展。\n\n"
      "本报记者 林晓雨\n"
      "本报通讯员 周明远 许安然\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[2], "本报记者 林晓雨");
}

TEST(reflow, starts_a_new_paragraph_at_a_dateline_inside_a_block) {
  const auto ps = reflowed(
      "全力以赴推进项目建设，确保国庆\n"
      "节前如期开园，交上满意的答卷\n"
      "和一份沉甸甸的成绩单，答好卷。\n"
      " 本报讯（记者付明） 7月\n"
      "24日下午，来自十多家媒体的记者\n"
      "到示范区集中采访，报道亮点工作\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[1].substr(0, 9), "本报讯");
}

TEST(reflow, joins_a_credit_wrapped_over_two_lines) {
  const auto ps = reflowed("员工正在生产线上作业。\n\n本报记者 宋\n崇飞 摄\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[1], "本报记者 宋崇飞 摄");
}

TEST(reflow, ends_a_brief_at_its_source_in_brackets_and_starts_the_next_brief_under_it) {
  // given: a brief in a narrow column, signed off by its source on a line of its own, and the
  // next brief's title right under that line; and a headline wrapped with its column tag
  const auto ps = reflowed(
      "本报电 临河县日前开通两条乡村\n"
      "公交线路，沿线十二个行政村的\n"
      "群众出行更加方便快捷了。\n\n"
      "（林晓雨）\n"
      "北岭区新建三座城市书房\n\n"
      "本报电 北岭区三座城市书房日前\n"
      "建成开放，市民凭身份证就可以\n"
      "免费借阅图书。\n\n"
      "让老手艺走进新课堂\n"
      "（文化观察）\n");
  ASSERT_EQ(ps.size(), 5u);
  EXPECT_EQ(ps[1], "（林晓雨）");
  EXPECT_EQ(ps[2], "北岭区新建三座城市书房");
  EXPECT_EQ(ps[4], "让老手艺走进新课堂（文化观察）");
}

TEST(reflow, continues_the_line_before_at_a_line_that_starts_with_clause_punctuation) {
  // given: a line shaped like a subtitle ("——" and a few words), then a line that begins with a
  // colon (the column wrapped before it), and a sentence cut at a blank line before a comma
  const auto ps = reflowed(
      "——小妹（老家人对妹妹的叫法）\n"
      " ：哥哥在家等你，平安，\n"
      "顺利，凯旋……\n\n"
      "她回信说，自己已经到了医院的\n\n"
      "，一切都好。\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0], "——小妹（老家人对妹妹的叫法）：哥哥在家等你，平安，顺利，凯旋……");
  EXPECT_EQ(ps[1], "她回信说，自己已经到了医院的，一切都好。");
}

TEST(reflow, leaves_out_a_paragraph_printed_again_inside_a_sentence_cut_by_a_column_break) {
  // given: a paragraph, a sentence cut by a column break, the first paragraph again word for word,
  // then the rest of the cut sentence
  const auto ps = reflowed(
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "县农业农村局负责人表示，将组织技术人员下乡，帮助农户解决\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "春耕生产中遇到的实际困难。\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[1], "县农业农村局负责人表示，将组织技术人员下乡，帮助农户解决春耕生产中遇到的实际困难。");
}

// A reflowed page's paragraphs view its own bytes, the one a join copied too (the pieces of a
// cut sentence with a repeat left out between them): they stay whole when the page moves.
TEST(reflow, keeps_its_paragraphs_whole_when_the_page_moves) {
  page_cleaner cleaner;
  auto cleaned = cleaner.clean(
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "县农业农村局负责人表示，将组织技术人员下乡，帮助农户解决\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "春耕生产中遇到的实际困难。\n");
  ASSERT_TRUE(cleaned);
  std::vector<reflowed_page> pages;
  pages.push_back(reflow(std::move(*cleaned)));
  for (int k = 0; k < 8; ++k) pages.emplace_back();  // the list grows, moving the first page each time
  ASSERT_EQ(pages[0].paragraphs.size(), 2u);
  EXPECT_EQ(pages[0].paragraphs[0].text, "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。");
  EXPECT_EQ(pages[0].paragraphs[1].text,
            "县农业农村局负责人表示，将组织技术人员下乡，帮助农户解决春耕生产中遇到的实际困难。");
}

TEST(reflow, keeps_a_paragraph_printed_again_after_a_finished_one) {
  // given: the same paragraph twice with a finished paragraph between them: the repeat stays
  // (the segmenter keeps an item's paragraph once)
  const auto ps = reflowed(
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n\n"
      "县农业农村局负责人表示，将组织技术人员下乡，帮助农户解决实际困难。\n\n"
      "会议要求，各乡镇要抓紧抓实春耕农资储备和农机检修，确保不误农时。\n");
  ASSERT_EQ(ps.size(), 3u);
}

TEST(reflow, starts_a_paragraph_at_a_dateline_after_a_lead_in) {
  // given: a headline with a clause comma, then after a blank line a text whose dateline
  // follows a lead-in of a few words
  const auto ps = reflowed(
      "本周聚焦：坚决整治农村人居环境、改善村容村貌\n\n"
      "笔者注意到，本报北京3月2日电（记者周明远）为贯彻落实有关部署，各地正在开展村庄清洁行动。\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0], "本周聚焦：坚决整治农村人居环境、改善村容村貌");
}

TEST(reflow, joins_a_closing_line_cut_into_pieces_by_column_breaks) {
  // given: a story's closing dateline printed in three narrow pieces, each after a blank line
  const auto ps = reflowed(
      "县里的春耕物资已全部运抵各乡镇农资站。\n\n"
      "（本报北\n\n"
      "岭3月17\n\n"
      "日电）\n\n"
      "西塘湿地迎来候鸟\n");
  // then: the bracket is whole again, and the headline after it stays apart
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "（本报北岭3月17日电）");
  EXPECT_EQ(ps[2], "西塘湿地迎来候鸟");
}

TEST(reflow, does_not_join_text_to_a_closing_line_before_it) {
  // given: an author note that signs a story off, then the first paragraph of the next story
  // across a blank line, in columns of twelve characters
  const auto ps = reflowed(
      "我们将继续深化合作，推动\n"
      "交流走深走实，共同开创新\n"
      "局面。\n\n"
      "（作者为北岭市社会科学院\n"
      "研究员、地方史研究中心主\n"
      "任）\n\n"
      "春雨过后，临河两岸的麦田\n"
      "里一片繁忙，农民们抢抓农\n"
      "时追肥浇水。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "（作者为北岭市社会科学院研究员、地方史研究中心主任）");
  EXPECT_EQ(ps[2].substr(0, 6), "春雨");
}

TEST(reflow, keeps_a_punctuated_headline_after_a_closing_line_apart_from_the_text_under_it) {
  // given: a story signed off by its dateline in brackets, then the next story's headline with a
  // comma in it, and its first paragraph across a blank line, in columns of twelve characters
  const auto ps = reflowed(
      "临河两岸的麦田里一片繁忙\n"
      "，农民们抢抓农时追肥浇水\n"
      "。\n\n"
      "（本报临河3月17日电）\n\n"
      "守护一江碧水，建设美丽乡村\n\n"
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[2], "守护一江碧水，建设美丽乡村");
  EXPECT_EQ(ps[3].substr(0, 6), "临河");
}

TEST(reflow, keeps_a_punctuated_one_line_headline_after_a_finished_paragraph_apart) {
  // given: a story's last paragraph, then the next story's kicker and title, each one line with
  // a comma in it and a blank line after it, then its text, in columns of twelve characters
  const auto ps = reflowed(
      "临河两岸的麦田里一片繁忙\n"
      "，农民们抢抓农时追肥浇水\n"
      "。\n\n"
      "冬训开启，临河队添新人\n\n"
      "练好基本功，备战新赛季\n\n"
      "临河县少年足球队昨日开始\n"
      "冬训，三名新队员首次随队\n"
      "训练。\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[1], "冬训开启，临河队添新人");
  EXPECT_EQ(ps[2], "练好基本功，备战新赛季");
  EXPECT_EQ(ps[3].substr(0, 6), "临河");
}

TEST(reflow, keeps_a_headline_wider_than_the_column_apart_from_the_text_under_it) {
  // given: columns of twelve characters, and a headline with its column tag set across them,
  // the story's text right under it without a blank line
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n\n"
      "临河春耕备耕有序推进（乡村振兴在行动）\n"
      "3月17日，临河县各乡镇的\n"
      "农机手们早早来到田间，检\n"
      "修机具，准备播种。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "临河春耕备耕有序推进（乡村振兴在行动）");
  EXPECT_EQ(ps[2].substr(0, 4), "3月");
}

TEST(reflow, keeps_a_headline_wider_than_the_narrow_column_under_it_apart) {
  // given: columns of twelve characters, and a photo's title over its caption set in a column
  // of eight, the title line wider than the caption's lines though not than the page's columns
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n\n"
      "春耕备耕有序推进（田间地头）\n"
      "农机手们早早来到\n"
      "田间，检修机具，\n"
      "准备播种。\n\n"
      "周明远 摄\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[1], "春耕备耕有序推进（田间地头）");
  EXPECT_EQ(ps[2], "农机手们早早来到田间，检修机具，准备播种。");
}

TEST(reflow, keeps_a_punctuated_kicker_after_a_wrapped_headline_apart) {
  // given: columns of twelve characters; a story's title wrapped over two lines after its text,
  // then the next story's kicker (with a comma) and title, each after one blank line
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n"
      "临河县高标准农田建设\n"
      "成效明显（乡村振兴）\n\n"
      "北岭区三座书房开放，藏书三万五千册\n\n"
      "城市书房开门迎客（书香）\n\n"
      "北岭区三座城市书房日前\n"
      "建成开放，市民凭身份证\n"
      "即可免费借阅图书。\n");
  ASSERT_EQ(ps.size(), 5u);
  EXPECT_EQ(ps[2], "北岭区三座书房开放，藏书三万五千册");
  EXPECT_EQ(ps[3], "城市书房开门迎客（书香）");
}

TEST(reflow, keeps_a_headline_ending_with_its_column_tag_apart_from_the_text_after_a_blank_line) {
  // given: columns of twelve characters; a punctuated headline wrapped over two lines, ending
  // with its column tag, one blank line, then its story's text
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n\n"
      "春耕时节，走进北岭田间（\n"
      "一线见闻）\n\n"
      "北岭区三座城市书房日前\n"
      "建成开放，市民凭身份证\n"
      "即可免费借阅图书。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "春耕时节，走进北岭田间（一线见闻）");
}

TEST(reflow, keeps_a_kicker_wider_than_the_column_apart_from_the_title_under_it) {
  // given: columns of twelve characters; a punctuated kicker set across columns, one blank
  // line, then the title and the text
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n\n"
      "投资二十亿元、占地两百亩的仿古小镇，开业没几年就冷清了\n\n"
      "仿古小镇为何难以为继\n\n"
      "北岭区三座城市书房日前\n"
      "建成开放，市民凭身份证\n"
      "即可免费借阅图书。\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[1], "投资二十亿元、占地两百亩的仿古小镇，开业没几年就冷清了");
}

TEST(reflow, keeps_a_short_punctuated_headline_apart_from_a_punctuated_kicker_on_an_unwrapped_page) {
  // given: paragraphs one line each; a kicker with commas that does not end a sentence, one
  // blank line, a short title with a comma, then the text
  const auto ps = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "全县参保人数超过八十万人，报销水平逐年提高，异地就医直接结算\n\n"
      "全民医保，群众得实惠\n\n"
      "临河县用十年时间建起覆盖城乡的医疗保障网，参保率稳定在百分之九十五以上。\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[2], "全民医保，群众得实惠");
  // a sentence cut inside a word after a finished one: the short piece is its rest
  const auto cut = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "会议强调，各级各部门要提高认识，加强保护。要突出抓好西塘河干流沿\n\n"
      "岸的治理工作，采\n\n"
      "取有力措施，确保水质稳定达标。\n");
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_NE(cut[1].find("干流沿岸的治理工作，采取有力措施"), std::string::npos);
}

TEST(reflow, keeps_a_kicker_and_title_on_one_line_apart_from_the_text_after_a_blank_line) {
  // given: paragraphs one line each; a kicker and a punctuated title on one line, parted by a
  // space, one blank line, then the story's text
  const auto ps = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "北岭区城关镇东风社区居委会主任王立新 战疫一线，他守住小区大门\n\n"
      "2月3日清晨6时，北岭区城关镇东风社区门口，王立新已经站了一个小时，寒风中他仔细核对每一位进出居民的信息。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "北岭区城关镇东风社区居委会主任王立新 战疫一线，他守住小区大门");
  // three phrases
  const auto three = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "数据多跑路，群众少跑腿，服务更贴心 北岭区精准服务 网上办事提速\n\n"
      "2月3日上午，北岭区政务服务中心大厅里，前来办事的群众不多，网上办件量却比去年同期增加了一倍。\n");
  EXPECT_EQ(three.size(), 3u);
  // a line of text with a bracket holding a space is no headline: it joins the rest of its sentence
  const auto bracketed = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "本报讯（记者林晓雨 通讯员周明远）北岭区今年新建的三座城市书房已全部投\n\n"
      "入使用，市民可凭身份证免费借阅图书。\n");
  EXPECT_EQ(bracketed.size(), 2u);
  // a line of text that is not finished, with one space, joins the rest of its sentence
  const auto cut = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "会议要求，各乡镇要抓紧 抓实春耕农资储备和农机检修，\n\n"
      "确保不误农时，做好春耕生产技术指导服务。\n");
  ASSERT_EQ(cut.size(), 2u);
}

TEST(reflow, keeps_a_wrapped_headline_set_across_columns_apart_from_the_text_after_a_blank_line) {
  // given: columns of twelve characters; a punctuated title whose first line spans columns,
  // wrapped once, then one blank line and the next story's text
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n"
      "北岭区春播进度快于往年，早稻栽插基本完成：粮\n"
      "仓更稳固\n\n"
      "城关镇东风社区的志愿者\n"
      "们每天清晨六点上岗，为\n"
      "居民登记、测量体温。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "北岭区春播进度快于往年，早稻栽插基本完成：粮仓更稳固");
  EXPECT_EQ(ps[2].substr(0, 6), "城关");
  // a paragraph as wide as the column, cut by a column break, joins the rest of its sentence
  const auto cut = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n"
      "北岭区今年春播进度快于\n"
      "往年，早稻栽插已基本完\n\n"
      "成，中稻育秧正在进行，\n"
      "春播玉米播种过半，苗情\n"
      "长势良好。\n");
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_EQ(cut[1].substr(0, 6), "北岭");
}

TEST(reflow, keeps_a_notice_title_apart_from_the_text_after_a_blank_line) {
  // given: paragraphs one line each; a notice's title with a comma of enumeration, one blank
  // line, then the notice's text
  const auto ps = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "北岭区文化馆、北岭区图书馆面向社会公开招聘工作人员公告\n\n"
      "北岭区文化馆成立于1985年，现有馆舍面积三千平方米，承担全区群众文化活动的组织和指导工作。\n");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[1], "北岭区文化馆、北岭区图书馆面向社会公开招聘工作人员公告");
}

TEST(reflow, joins_a_line_starting_with_a_dash_inside_a_wrapped_sentence) {
  // given: columns of twelve characters; a quote wrapped so that its dash starts a line, the
  // sentence going on under it
  const auto ps = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n"
      "“家乡的河水清了，岸边的\n"
      "柳树绿了，我们的日子也甜\n"
      "——这是最好的年景！”二月\n"
      "初的北岭区，村民们在广场\n"
      "上唱起了这首新编的歌。\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_NE(ps[1].find("也甜——这是最好的年景！”二月初的北岭区"), std::string::npos);
  // a subtitle under a wrapped headline, a blank line after it, stays a line of its own
  const auto titled = reflowed(
      "临河县今年新建高标准农田\n"
      "两万亩，灌溉条件明显改善\n"
      "，亩均增产一成以上。\n\n"
      "严把质量关，确保见实效（\n"
      "乡村振兴在行动）\n"
      "——北岭区农田建设工作综述\n\n"
      "本报记者 林晓雨\n");
  ASSERT_GE(titled.size(), 3u);
  EXPECT_EQ(titled[titled.size() - 3], "严把质量关，确保见实效（乡村振兴在行动）");
  EXPECT_EQ(titled[titled.size() - 2], "——北岭区农田建设工作综述");
}

TEST(reflow, joins_a_short_unfinished_line_to_the_rest_of_its_word_after_a_blank_line) {
  // given: paragraphs one line each; a finished paragraph, then a short line cut inside a word
  // by a column break, one blank line, and the word's rest ending a sentence
  const auto ps = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "运用制度巩固改革成\n\n"
      "果。改革只有进行时，没有完成时，各乡镇要把好经验写进制度。\n");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[1], "运用制度巩固改革成果。改革只有进行时，没有完成时，各乡镇要把好经验写进制度。");
  // the particle 的 never starts a sentence: the line before it goes on
  const auto particle = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "村民们准备\n\n"
      "的节目相当丰富，有秧歌、快板和小品。\n");
  ASSERT_EQ(particle.size(), 2u);
  // so does a clause of one character
  const auto clause = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "对于不少群众而言，家门口缺岗\n\n"
      "位，出远门又有顾虑，就业与顾家难以兼顾。\n");
  ASSERT_EQ(clause.size(), 2u);
  // a headline over a lead whose first sentence is longer stays apart
  const auto headline = reflowed(
      "临河县今年新建高标准农田两万亩，灌溉条件明显改善，亩均增产一成以上。\n\n"
      "小账本见证大变化\n\n"
      "北岭春早。村里的合作社今年分红二十万元，村民们的账本越记越厚。\n");
  EXPECT_EQ(headline.size(), 3u);
}

}  // namespace
}  // namespace broadsheet::pipeline
