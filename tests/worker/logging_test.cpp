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

// What a logger with the worker's formatter in `format` writes for one warning.
std::string logged(const std::string& format, std::string_view page_id) {
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
  const auto text = logged("text", forging_page_id);
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 1u) << text;
  EXPECT_NE(lines[0].find("page_id=p1\\n2026-01-01T00:00:00.000Z info worker w1 stopped (exit 0)\\r\\x1b[2K\\x7f"
                          "\\u0085tail"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(text.back(), '\n');
}

TEST(logging, text_keeps_printable_characters_as_they_are) {
  const auto lines = lines_of(logged("text", "人民日报-A01 \"quoted\" back\\slash"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("page_id=人民日报-A01 \"quoted\" back\\slash"), std::string::npos) << lines[0];
}

TEST(logging, a_page_id_with_control_characters_stays_inside_its_json_line) {
  const auto lines = lines_of(logged("json", forging_page_id));
  ASSERT_EQ(lines.size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element line;
  ASSERT_EQ(parser.parse(lines[0]).get(line), simdjson::SUCCESS) << lines[0];
  std::string_view message;
  ASSERT_EQ(line["message"].get(message), simdjson::SUCCESS);
  EXPECT_NE(message.find(forging_page_id), std::string_view::npos) << "the message itself, unaltered";
}

}  // namespace
}  // namespace broadsheet::worker
