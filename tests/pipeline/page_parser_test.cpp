#include "pipeline/page_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace broadsheet::pipeline {
namespace {

errc code_of(page_parser& p, std::string_view json) {
  auto r = p.parse(json);
  EXPECT_FALSE(r.has_value()) << json.substr(0, 200);
  return r ? errc::empty_record : r.error().code;
}

TEST(page_parser, reads_required_and_optional_fields) {
  page_parser p;
  auto r = p.parse(R"({"page_id":"p1","text":"正文","source":"青川日报","edition_date":"2025-03-18",)"
                   R"("page":"A02","url":"u","fetched_at":"2025-03-18T06:00:00Z"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->page_id, "p1");
  EXPECT_EQ(r->text, "正文");
  EXPECT_EQ(r->source, "青川日报");
  EXPECT_EQ(r->edition_date, "2025-03-18");
  EXPECT_EQ(r->page, "A02");
  EXPECT_EQ(r->fetched_at, "2025-03-18T06:00:00Z");
}

TEST(page_parser, ignores_unknown_fields_and_null_optionals) {
  page_parser p;
  auto r = p.parse(R"({"x":{"a":[1,{"b":null}]},"page_id":"p","source":null,"text":"t","y":3})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->source.has_value());
}

TEST(page_parser, unescapes_strings) {
  page_parser p;
  auto r = p.parse(R"({"page_id":"p","text":"第一行\n第二行\u4e2d\"q\""})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "第一行\n第二行中\"q\"");
}

TEST(page_parser, rejects_each_kind_of_bad_record_with_its_own_code) {
  page_parser p;
  EXPECT_EQ(code_of(p, ""), errc::empty_record);
  EXPECT_EQ(code_of(p, "{"), errc::invalid_json);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"t"} trailing)"), errc::invalid_json);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"t",})"), errc::invalid_json);
  EXPECT_EQ(code_of(p, "[1,2]"), errc::not_an_object);
  EXPECT_EQ(code_of(p, "\"text\""), errc::not_an_object);
  EXPECT_EQ(code_of(p, R"({"text":"t"})"), errc::missing_field);
  EXPECT_EQ(code_of(p, R"({"page_id":"p"})"), errc::missing_field);
  EXPECT_EQ(code_of(p, R"({"page_id":7,"text":"t"})"), errc::wrong_type);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":["t"]})"), errc::wrong_type);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"t","page":3})"), errc::wrong_type);
  EXPECT_EQ(code_of(p, R"({"page_id":"","text":"t"})"), errc::invalid_field);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"t","edition_date":"2025-02-30"})"), errc::invalid_field);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"a\u0000b"})"), errc::nul_byte);
  EXPECT_EQ(code_of(p, "{\"page_id\":\"p\",\"text\":\"\xff\xfe\"}"), errc::invalid_utf8);
}

// Issue 14, item 6: a JSON-escaped lone surrogate was invalid_json where the README promises
// invalid_utf8 (simdjson reports it as a string error, like any bad escape).
TEST(page_parser, an_escaped_lone_surrogate_is_invalid_utf8) {
  page_parser p;
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"\ud800"})"), errc::invalid_utf8);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"a\uDBFFb"})"), errc::invalid_utf8);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"\udc00"})"), errc::invalid_utf8) << "a low surrogate alone";
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"\ud800\u0041"})"), errc::invalid_utf8) << "not followed by a low one";
  EXPECT_EQ(code_of(p, R"({"page_id":"\ud800","text":"t"})"), errc::invalid_utf8);
  EXPECT_EQ(code_of(p, R"({"\ud800":"x","page_id":"p","text":"t"})"), errc::invalid_utf8) << "in a key";
  // and what is not a lone surrogate stays as it was
  auto pair = p.parse(R"({"page_id":"p","text":"\ud83d\ude00 \\ud800"})");
  ASSERT_TRUE(pair) << pair.error().message;
  EXPECT_EQ(pair->text, "\xf0\x9f\x98\x80 \\ud800");
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"\q"})"), errc::invalid_json);
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"\\ud800\q"})"), errc::invalid_json) << "an escaped backslash";
}

// A key with a malformed escape is an error of the record wherever it stands: first, after a known
// field, inside an ignored field, before a field's value; never a crash.
TEST(page_parser, keys_with_malformed_escapes_are_rejected) {
  page_parser p;
  for (const std::string bad : {R"(\q)", R"(\u12)", R"(\u)", R"(\uZZZZ)", R"(\ud800)", R"(\udc00\ud800)", R"(a\)",
                                R"(\x41)", R"(\u00)", R"(\/\ud83d)"}) {
    for (const std::string& record :
         {R"({")" + bad + R"(":1,"page_id":"p","text":"t"})", R"({"page_id":"p",")" + bad + R"(":"x","text":"t"})",
          R"({"page_id":"p","text":"t","x":{")" + bad + R"(":[1,{")" + bad + R"(":2}]}})",
          R"({"page_id":"p","text":"t",")" + bad + R"(")", R"({")" + bad + R"("})"}) {
      const auto r = p.parse(record);
      EXPECT_FALSE(r.has_value() && record.find(R"("x":{)") == std::string::npos) << record;
      if (!r) {
        EXPECT_TRUE(r.error().code == errc::invalid_json || r.error().code == errc::invalid_utf8) << record;
      }
    }
  }
}

TEST(page_parser, page_id_limit_counts_characters_not_bytes) {
  page_parser p;
  std::string id;
  for (int i = 0; i < 256; ++i) id += "版";
  EXPECT_TRUE(p.parse(R"({"page_id":")" + id + R"(","text":"t"})"));
  EXPECT_EQ(code_of(p, R"({"page_id":")" + id + R"(版","text":"t"})"), errc::invalid_field);
}

TEST(page_parser, rejects_deep_nesting_even_in_unknown_fields) {
  page_parser p(parse_limits{.max_record_bytes = 1u << 20, .max_depth = 32});
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(code_of(p, R"({"page_id":"p","text":"t","x":)" + deep + "}"), errc::json_too_deep);
}

TEST(page_parser, rejects_records_over_the_size_limit_before_parsing) {
  page_parser p(parse_limits{.max_record_bytes = 1024, .max_depth = 32});
  const std::string big = R"({"page_id":"p","text":")" + std::string(2000, 'a') + "\"}";
  EXPECT_EQ(code_of(p, big), errc::record_too_large);
}

TEST(page_parser, reuses_its_buffer_across_records_of_different_sizes) {
  page_parser p;
  for (int size : {10, 100000, 5, 3000}) {
    auto r = p.parse(R"({"page_id":"p","text":")" + std::string(size, 'x') + "\"}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->text.size(), static_cast<std::size_t>(size));
  }
}

TEST(page_parser, validates_dates) {
  EXPECT_TRUE(is_valid_date("2024-02-29"));
  EXPECT_FALSE(is_valid_date("2023-02-29"));
  EXPECT_FALSE(is_valid_date("2024-13-01"));
  EXPECT_FALSE(is_valid_date("2024-1-01"));
  EXPECT_FALSE(is_valid_date("20240101"));
}

}  // namespace
}  // namespace broadsheet::pipeline
