#include "pipeline/article_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <regex>

namespace broadsheet::pipeline {
namespace {

TEST(article_json, escapes_quotes_backslashes_and_control_characters) {
  std::string out;
  append_json_string(out, "a\"b\\c\nd\te\x01中");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001中\"");
}

TEST(article_json, writes_every_field_of_the_contract) {
  article a;
  a.article_id = make_article_id("p", 1);
  a.page_id = "p";
  a.ordinal = 1;
  a.title = "标题";
  a.names.reporters = {"林晓雨"};
  a.paragraphs = {"一。", "二。"};
  a.body = "一。\n二。";
  a.char_count = 5;
  std::string out;
  append_article_json(out, a);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS) << out;
  for (const char* key : {"article_id", "revision", "page_id", "ordinal", "kind", "title", "subtitle", "kicker",
                          "section", "dateline", "byline", "paragraphs", "body", "captions", "char_count",
                          "continued_from", "source", "edition_date", "page", "duplicate_of", "similarity",
                          "pipeline_version"}) {
    EXPECT_EQ(doc[key].error(), simdjson::SUCCESS) << key;
  }
  EXPECT_EQ(std::string_view(doc["body"]), "一。\n二。");
  EXPECT_TRUE(doc["duplicate_of"].is_null());
  EXPECT_EQ(std::string_view(doc["byline"]["reporters"].at(0)), "林晓雨");
}

TEST(article_json, article_ids_are_stable_and_distinct) {
  EXPECT_EQ(make_article_id("page-1", 3), make_article_id("page-1", 3));
  EXPECT_NE(make_article_id("page-1", 3), make_article_id("page-2", 3));
  EXPECT_TRUE(std::regex_match(make_article_id("page-1", 3), std::regex("[0-9a-f]{16}-003")));
  EXPECT_TRUE(std::regex_match(make_article_id("x", 1234), std::regex("[0-9a-f]{16}-1234")));
  EXPECT_EQ(make_article_id("page-1", 1).substr(0, 16), make_article_id("page-1", 2).substr(0, 16));
  // Pinned: a change of the hash would change every published key.
  EXPECT_EQ(make_article_id("qc-2025-03-18-A01", 1), "bf5c7168dac7f5c1-001");
}

}  // namespace
}  // namespace broadsheet::pipeline
