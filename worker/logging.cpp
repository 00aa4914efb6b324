#include "worker/logging.h"

#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "pipeline/article_json.h"

namespace broadsheet::worker {

namespace {

thread_local const record_fields* current_fields = nullptr;

void append(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

// %j: the message as a JSON string literal (quotes included), so a JSON line stays valid
// whatever a message contains.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string quoted;
    pipeline::append_json_string(quoted, std::string_view(msg.payload.data(), msg.payload.size()));
    append(dest, quoted);
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_flag>();
  }
};

// %F: the record's fields of the logging thread, if any: `,"topic":"…","partition":3,…` (JSON)
// or ` topic=… partition=3 …` (text).
class record_fields_flag final : public spdlog::custom_flag_formatter {
 public:
  explicit record_fields_flag(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const record_fields* f = current_fields;
    if (f == nullptr) return;
    std::string out;
    const auto text = [&](std::string_view name, std::string_view value) {
      if (value.empty()) return;
      if (json_) {
        out.append(",\"").append(name).append("\":");
        pipeline::append_json_string(out, value);
      } else {
        out.append(" ").append(name).append("=").append(value);
      }
    };
    const auto number = [&](std::string_view name, std::int64_t value) {
      if (value < 0) return;
      out.append(json_ ? ",\"" : " ").append(name).append(json_ ? "\":" : "=").append(std::to_string(value));
    };
    text("topic", f->topic);
    number("partition", f->partition);
    number("offset", f->offset);
    text("page_id", f->page_id);
    text("code", f->code);
    append(dest, out);
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<record_fields_flag>(json_);
  }

 private:
  bool json_;
};

}  // namespace

log_fields_scope::log_fields_scope(const record_fields& fields) noexcept : previous_(current_fields) {
  current_fields = &fields;
}

log_fields_scope::~log_fields_scope() { current_fields = previous_; }

void setup_logging(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("broadsheet", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  const bool json = format == "json";
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<record_fields_flag>('F', json);
  if (json) {
    formatter->add_flag<json_message_flag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","message":%j%F})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v%F");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace broadsheet::worker
