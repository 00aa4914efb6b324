#pragma once
// spdlog set up for the worker: one logger on stderr, text or JSON lines, a level from config.
// Per-record messages are logged at debug only; errors about a record carry topic, partition,
// offset and page_id in their text.
//
// A message is always one line: in text, its control characters (C0, DEL, C1) are written as
// escapes (\n, \r, \t, \xNN, \u0085), so that a field taken from the input (a page_id, a JSON key
// in an error) cannot forge a line of the log; in JSON, the message is a JSON string.

#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace broadsheet::worker {

// format: "text" or "json"; level: trace, debug, info, warn, error.
void setup_logging(const std::string& level, const std::string& format);

// The formatter of a log line in `format` ("text" or "json"), which setup_logging installs.
[[nodiscard]] std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format);

}  // namespace broadsheet::worker
