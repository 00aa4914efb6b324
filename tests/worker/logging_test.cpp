#include "worker/logging.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

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

// What a logger with the worker's formatter in `format` writes for one warning.
std::string formatted(const std::string& format, std::string_view page_id) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(make_log_formatter(format));
  spdlog::logger logger("test", sink);
  logger.warn("dead letter: invalid_field topic=pages.raw partition=0 offset=7 page_id={}", page_id);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Issue 14, item 5: a page_id holding a newline forged a whole line of the text log.
constexpr std::string_view forging_page_id =
    "p1\n2026-01-01T00:00:00.000Z info worker w1 stopped (exit 0)\r\x1b[2K\x7f\xc2\x85tail";

TEST(logging, a_page_id_with_control_characters_cannot_forge_a_text_line) {
  const auto text = formatted("text", forging_page_id);
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 1u) << text;
  EXPECT_NE(lines[0].find("page_id=p1\\n2026-01-01T00:00:00.000Z info worker w1 stopped (exit 0)\\r\\x1b[2K\\x7f"
                          "\\u0085tail"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(text.back(), '\n');
}

TEST(logging, text_keeps_printable_characters_as_they_are) {
  const auto lines = lines_of(formatted("text", "人民日报-A01 \"quoted\" back\\slash"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("page_id=人民日报-A01 \"quoted\" back\\slash"), std::string::npos) << lines[0];
}

TEST(logging, a_page_id_with_control_characters_stays_inside_its_json_line) {
  const auto lines = lines_of(formatted("json", forging_page_id));
  ASSERT_EQ(lines.size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element line;
  ASSERT_EQ(parser.parse(lines[0]).get(line), simdjson::SUCCESS) << lines[0];
  std::string_view message;
  ASSERT_EQ(line["message"].get(message), simdjson::SUCCESS);
  EXPECT_NE(message.find(forging_page_id), std::string_view::npos) << "the message itself, unaltered";
}

TEST(logging, a_record_field_with_control_characters_cannot_forge_a_text_line) {
  const std::string text = logged("text", [] {
    log_record(spdlog::level::warn, {.page_id = forging_page_id}, "dead letter");
  });
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 1u) << text;
  EXPECT_NE(lines[0].find("page_id=p1\\n2026"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace broadsheet::worker
