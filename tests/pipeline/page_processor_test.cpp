#include "pipeline/page_processor.h"

#include <gtest/gtest.h>

#include <string>

namespace broadsheet::pipeline {
namespace {

std::string record(std::string_view text) { return R"({"page_id":"p","text":")" + std::string(text) + "\"}"; }

errc code_of(page_processor& p, const std::string& json) {
  auto r = p.process_json(json);
  EXPECT_FALSE(r.has_value()) << json.substr(0, 200);
  return r ? errc::empty_record : r.error().code;
}

TEST(page_processor, numbers_items_and_fills_page_metadata) {
  page_processor p;
  auto r = p.process_json(R"({"page_id":"qc-A01","source":"青川日报","edition_date":"2025-03-18","page":"A01",)"
                          R"("text":"临河县召开推进会\n\n本报讯（记者林晓雨）昨日，会议召开。\n\n北岭区书房投用\n\n)"
                          R"(本报讯（记者许安然）三座书房投用。"})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].ordinal, 2);
  EXPECT_EQ((*r)[1].article_id, make_article_id("qc-A01", 2));
  EXPECT_EQ((*r)[1].source, "青川日报");
  EXPECT_EQ((*r)[1].edition_date, "2025-03-18");
  EXPECT_EQ((*r)[0].body, "昨日，会议召开。");
  EXPECT_EQ((*r)[0].char_count, 8u);
}

TEST(page_processor, gives_every_kind_of_bad_input_its_own_reason) {
  page_processor p;
  EXPECT_EQ(code_of(p, "not json"), errc::invalid_json);
  EXPECT_EQ(code_of(p, R"({"page_id":1,"text":"x"})"), errc::wrong_type);
  EXPECT_EQ(code_of(p, R"({"page_id":"p"})"), errc::missing_field);
  EXPECT_EQ(code_of(p, "{\"page_id\":\"p\",\"text\":\"\xed\xa0\x80\"}"), errc::invalid_utf8);  // a surrogate
  EXPECT_EQ(code_of(p, record("a\\u0000b")), errc::nul_byte);
  EXPECT_EQ(code_of(p, record("")), errc::empty_text);
  EXPECT_EQ(code_of(p, record("   \\n\\t\\n")), errc::empty_text);
  EXPECT_EQ(code_of(p, record("2025年3月18日 星期二\\n● ● ●\\n—— 热烈庆祝青川日报创刊70周年 ——")), errc::no_content);
  EXPECT_EQ(code_of(p, "[" + std::string(100000, '[') + std::string(100001, ']')), errc::json_too_deep);
}

TEST(page_processor, checks_the_text_of_a_record_it_did_not_parse) {
  // given: records made in code, not by page_parser
  page_processor p;
  page_record bad_utf8, nul;
  bad_utf8.page_id = nul.page_id = "p";
  bad_utf8.text = "\xc3\x28";
  nul.text = std::string("a\0b", 3);
  // when / then: the cleaner checks their text itself
  ASSERT_FALSE(bad_utf8.text_checked);
  EXPECT_EQ(p.process(bad_utf8).error().code, errc::invalid_utf8);
  EXPECT_EQ(p.process(nul).error().code, errc::nul_byte);
  // and a parsed record carries the parser's check
  auto parsed = p.parse(record("正文"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->text_checked);
}

// Issue 14, item 6: a page of only punctuation became an article instead of no_content.
TEST(page_processor, a_page_of_only_punctuation_and_symbols_is_no_content) {
  page_processor p;
  for (const char* text : {"。。。", "……\\n——", "！？、，\\n\\n《》“”", "★ ★ ★\\n※※", "... --- !!!", "……（）……"})
    EXPECT_EQ(code_of(p, record(text)), errc::no_content) << text;
  // one character of a word is content
  for (const char* text : {"。。。好。。。", "…… 7 ……", "…… abc"}) {
    auto r = p.process_json(record(text));
    EXPECT_TRUE(r.has_value() || r.error().code != errc::no_content) << text;
  }
}

TEST(page_processor, rejects_a_one_megabyte_line_by_default_and_processes_it_when_allowed) {
  std::string line;
  while (line.size() < (1u << 20)) line += "临河县今年新增高新技术企业十二家，";
  line += "。";
  page_processor strict;
  EXPECT_EQ(code_of(strict, record(line)), errc::line_too_long);

  processor_options options;
  options.clean.max_line_bytes = 2u << 20;
  page_processor lenient(options);
  auto r = lenient.process_json(record(line));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_GT((*r)[0].char_count, 300000u);
}

TEST(page_processor, rejects_a_fifty_megabyte_page_over_the_limit_with_a_clear_message) {
  page_processor p;
  const std::string big = record(std::string(50u << 20, 'a'));
  auto r = p.process_json(big);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::record_too_large);
  EXPECT_NE(r.error().message.find("limit 8388608"), std::string::npos) << r.error().message;
}

TEST(page_processor, processes_a_page_of_many_lines_in_linear_time) {
  // 20,000 short lines without punctuation: a quadratic join would not finish under the test
  // timeout; this must come back as items, not hang.
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "临河县春耕生产推进会\\n\\n";
  page_processor p;
  auto r = p.process_json(record(text));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->empty());
}

}  // namespace
}  // namespace broadsheet::pipeline
