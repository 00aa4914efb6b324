#include "pipeline/article_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <optional>
#include <regex>
#include <tuple>
#include <vector>

namespace broadsheet::pipeline {
namespace {

TEST(article_json, escapes_quotes_backslashes_and_control_characters) {
  std::string out;
  append_json_string(out, "a\"b\\c\nd\te\x01中");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001中\"");
}

TEST(article_json, every_byte_at_every_position_round_trips_through_a_json_parser) {
  // The escaping scans sixteen bytes at a time: put each ASCII byte (those needing escapes and
  // the others) at every offset modulo 16, between runs of CJK characters (three UTF-8 bytes each,
  // all 0x80 or above), and check that a JSON parser reads the original back.
  simdjson::dom::parser parser;
  for (int byte = 1; byte < 0x80; ++byte) {
    for (int before = 0; before <= 11; ++before) {
      for (int after : {0, 1, 5, 6}) {
        std::string text;
        for (int i = 0; i < before; ++i) text += "闻";
        text.push_back(static_cast<char>(byte));
        for (int i = 0; i < after; ++i) text += "闻";
        std::string json;
        append_json_string(json, text);
        std::string_view back;
        ASSERT_EQ(parser.parse(json).get_string().get(back), simdjson::SUCCESS) << json;
        ASSERT_EQ(back, text) << "byte " << byte << " after " << before << " characters";
      }
    }
  }
}

// Whatever the paragraphs hold (quotes, backslashes, control characters, long CJK runs), and
// however many there are, the body and the paragraphs read back as they are, also when the body
// is not the paragraphs' join.
TEST(article_json, body_reads_back_whether_or_not_it_joins_the_paragraphs) {
  const std::vector<std::string> pieces = {"一。", "引号\"与\\反斜杠", "tab\tand\x01", "", "闻闻闻闻闻闻闻闻闻闻闻闻闻闻闻闻\"", "x"};
  simdjson::dom::parser parser;
  for (std::size_t count : {1, 2, 6, 64, 65, 130}) {
    for (bool joined : {true, false}) {
      article a;
      a.article_id = make_article_id("p", 1);
      for (std::size_t i = 0; i < count; ++i) a.paragraphs.push_back(pieces[i % pieces.size()] + std::to_string(i));
      for (std::size_t i = 0; i < count; ++i) a.body += (i > 0 ? "\n" : "") + a.paragraphs[i];
      if (!joined) a.body += "!";  // every paragraph matches, then more
      std::string out;
      append_article_json(out, a);
      simdjson::dom::element doc;
      ASSERT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS) << out;
      std::string_view body;
      ASSERT_EQ(doc["body"].get(body), simdjson::SUCCESS);
      EXPECT_EQ(body, a.body) << count << " paragraphs, joined " << joined;
      simdjson::dom::array paragraphs;
      ASSERT_EQ(doc["paragraphs"].get(paragraphs), simdjson::SUCCESS);
      EXPECT_EQ(paragraphs.size(), count);
    }
  }
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

TEST(article_json, a_decision_rewritten_in_place_gives_the_bytes_of_the_article_written_anew) {
  article a;
  a.article_id = make_article_id("qc-2025-04-02-A03", 2);
  a.page_id = "qc-2025-04-02-A03";
  a.ordinal = 2;
  a.title = "西塘镇\"花海\"迎客";  // an escape before the decision, so offsets are not lengths
  a.paragraphs = {"三月十六日，游客在西塘镇油菜花田间游玩。", "第二段\t制表符。"};
  a.body = a.paragraphs[0] + "\n" + a.paragraphs[1];
  a.char_count = 30;
  a.source = "青川日报";
  // From no decision to a duplicate, to another canonical with more revision digits, and back.
  const std::vector<std::tuple<int, std::optional<std::string>, std::optional<double>>> steps = {
      {1, make_article_id("qc-2025-03-30-A01", 1), 0.8125},
      {12, make_article_id("qc-2025-03-29-B04", 3), 1.0},
      {130, std::nullopt, std::nullopt},
      {131, std::string("\"quoted\\id\""), 0.6},
  };
  article_json j = make_article_json(a);
  std::string expected;
  append_article_json(expected, a);
  ASSERT_EQ(j.text, expected);
  for (const auto& [revision, duplicate_of, similarity] : steps) {
    j = with_decision(j, revision, duplicate_of, similarity);
    a.revision = revision;
    a.duplicate_of = duplicate_of;
    a.similarity = similarity;
    expected.clear();
    append_article_json(expected, a);
    EXPECT_EQ(j.text, expected) << revision;
  }
}

TEST(article_json, article_ids_are_stable_and_distinct) {
  EXPECT_EQ(make_article_id("page-1", 3), make_article_id("page-1", 3));
  EXPECT_NE(make_article_id("page-1", 3), make_article_id("page-2", 3));
  EXPECT_TRUE(std::regex_match(make_article_id("page-1", 3), std::regex("[0-9a-f]{16}-003")));
  EXPECT_TRUE(std::regex_match(make_article_id("x", 1234), std::regex("[0-9a-f]{16}-1234")));
  EXPECT_TRUE(std::regex_match(make_article_id("x", 42), std::regex("[0-9a-f]{16}-042")));
  EXPECT_TRUE(std::regex_match(make_article_id("x", 0), std::regex("[0-9a-f]{16}-000")));
  EXPECT_EQ(make_article_id("page-1", 1).substr(0, 16), make_article_id("page-1", 2).substr(0, 16));
  // Pinned: a change of the hash would change every published key.
  EXPECT_EQ(make_article_id("qc-2025-03-18-A01", 1), "bf5c7168dac7f5c1-001");
}

}  // namespace
}  // namespace broadsheet::pipeline
