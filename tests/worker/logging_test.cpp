#include "worker/logging.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace broadsheet::worker {
namespace {

// The lines the worker's logger writes while `log` runs (stderr captured).
template <class Log>
std::string logged(const std::string& format, Log&& log) {
  setup_logging("info", format);
  testing::internal::CaptureStderr();
  log();
  spdlog::default_logger()->flush();
  return testing::internal::GetCapturedStderr();
}

TEST(Logging, JsonLinesCarryTheRecordAsFields) {
  // given / when: a line about a record in the json format
  const std::string line = logged("json", [] {
    log_record(spdlog::level::warn,
               {.topic = "pages.raw", .partition = 3, .offset = 1234, .page_id = "p \"7\"", .code = "invalid_json"},
               "dead letter: {}", "not JSON");
  });

  // then: one JSON object whose fields are the record's, not only words of its message
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(line).get(root), simdjson::SUCCESS) << line;
  EXPECT_EQ(std::string_view(root["message"]), "dead letter: not JSON");
  EXPECT_EQ(std::string_view(root["level"]), "warning");
  EXPECT_EQ(std::string_view(root["topic"]), "pages.raw");
  EXPECT_EQ(std::int64_t(root["partition"]), 3);
  EXPECT_EQ(std::int64_t(root["offset"]), 1234);
  EXPECT_EQ(std::string_view(root["page_id"]), "p \"7\"");
  EXPECT_EQ(std::string_view(root["code"]), "invalid_json");
}

TEST(Logging, UnsetFieldsAreLeftOutAndScopesEnd) {
  const std::string lines = logged("json", [] {
    log_record(spdlog::level::warn, {.code = "_MSG_TIMED_OUT"}, "delivery failed");
    spdlog::info("no record");
  });
  const auto newline = lines.find('\n');
  ASSERT_NE(newline, std::string::npos);
  const std::string first = lines.substr(0, newline), second = lines.substr(newline + 1);
  EXPECT_NE(first.find(R"("message":"delivery failed","code":"_MSG_TIMED_OUT"})"), std::string::npos) << first;
  EXPECT_EQ(first.find("partition"), std::string::npos);
  EXPECT_EQ(first.find("page_id"), std::string::npos);
  EXPECT_NE(second.find(R"("message":"no record"})"), std::string::npos) << second;
}

TEST(Logging, TextLinesEndWithTheFieldsAsKeyValue) {
  const std::string line = logged("text", [] {
    log_record(spdlog::level::err, {.topic = "pages.raw", .partition = 0, .offset = 9, .page_id = "p1"},
               "page failed: {}", "boom");
  });
  EXPECT_NE(line.find(" error page failed: boom topic=pages.raw partition=0 offset=9 page_id=p1\n"), std::string::npos)
      << line;
}

}  // namespace
}  // namespace broadsheet::worker
