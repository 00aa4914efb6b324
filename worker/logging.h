#pragma once
// spdlog set up for the worker: one logger on stderr, text or JSON lines, a level from config.
// Per-record messages are logged at debug only. A line about a record carries the record's
// topic, partition, offset, page_id and error code as fields (log_record): JSON fields of the
// line in the json format, ` key=value` after the message in the text format.
//
// A line is always one line: in text, the control characters (C0, DEL, C1) of its message and
// fields are written as escapes (\n, \r, \t, \xNN, \u0085), so that a field taken from the input
// (a page_id, a JSON key in an error) cannot forge a line of the log; in JSON, they are JSON strings.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace broadsheet::worker {

// format: "text" or "json"; level: trace, debug, info, warn, error.
void setup_logging(const std::string& level, const std::string& format);

// What a log line is about. Unset fields (empty, or -1) are left out of the line.
struct record_fields {
  std::string_view topic = {};
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string_view page_id = {};
  std::string_view code = {};  // the error code: the pipeline's errc, a worker reason, librdkafka's error name
};

// The fields of the lines the calling thread logs while it lives (the logger is synchronous, so
// a line is formatted on the thread that logs it). Scopes nest; the fields are viewed, not
// copied, and must outlive the scope.
class log_fields_scope {
 public:
  explicit log_fields_scope(const record_fields& fields) noexcept;
  ~log_fields_scope();
  log_fields_scope(const log_fields_scope&) = delete;
  log_fields_scope& operator=(const log_fields_scope&) = delete;

 private:
  const record_fields* previous_;
};

// One line about a record: spdlog::log(level, ...) with the record's fields.
template <class... Args>
void log_record(spdlog::level::level_enum level, const record_fields& fields, spdlog::format_string_t<Args...> format,
                Args&&... args) {
  const log_fields_scope scope(fields);
  spdlog::log(level, format, std::forward<Args>(args)...);
}

// The formatter of a log line in `format` ("text" or "json"), which setup_logging installs.
[[nodiscard]] std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format);

}  // namespace broadsheet::worker
