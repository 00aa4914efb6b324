#include "worker/logging.h"

#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "pipeline/article_json.h"

namespace broadsheet::worker {

namespace {

thread_local const record_fields* current_fields = nullptr;

void append(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

// Appends text with its control characters (C0, DEL, C1) written as escapes (\n, \r, \t, \xNN,
// \u0085), so that it stays on its line.
void append_escaped(spdlog::memory_buf_t& dest, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(text[i + 1]) >= 0x80) [[unlikely]] {
      // C1 controls (U+0080 to U+009F, NEL among them), as \u0085.
      const auto c1 = static_cast<unsigned char>(text[++i]);
      const char escape[] = {'\\', 'u', '0', '0', hex[c1 >> 4], hex[c1 & 15]};
      dest.append(escape, escape + sizeof escape);
    } else if (c < 0x20 || c == 0x7F) [[unlikely]] {
      const char* named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
      const char escape[] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
      if (named != nullptr)
        dest.append(named, named + 2);
      else
        dest.append(escape, escape + sizeof escape);
    } else {
      dest.push_back(text[i]);
    }
  }
}

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

// %q: the message with its control characters escaped, so that it stays on its line.
class escaped_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    append_escaped(dest, std::string_view(msg.payload.data(), msg.payload.size()));
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<escaped_message_flag>();
  }
};

// %F: the record's fields of the logging thread, if any: `,"topic":"…","partition":3,…` (JSON)
// or ` topic=… partition=3 …` (text, escaped as the message is: a page_id is input).
class record_fields_flag final : public spdlog::custom_flag_formatter {
 public:
  explicit record_fields_flag(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const record_fields* f = current_fields;
    if (f == nullptr) return;
    const auto text = [&](std::string_view name, std::string_view value) {
      if (value.empty()) return;
      if (json_) {
        std::string out = ",\"";
        out.append(name).append("\":");
        pipeline::append_json_string(out, value);
        append(dest, out);
      } else {
        append(dest, " ");
        append(dest, name);
        append(dest, "=");
        append_escaped(dest, value);
      }
    };
    const auto number = [&](std::string_view name, std::int64_t value) {
      if (value < 0) return;
      append(dest, json_ ? ",\"" : " ");
      append(dest, name);
      append(dest, json_ ? "\":" : "=");
      append(dest, std::to_string(value));
    };
    text("topic", f->topic);
    number("partition", f->partition);
    number("offset", f->offset);
    text("page_id", f->page_id);
    text("code", f->code);
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

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format) {
  const bool json = format == "json";
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<record_fields_flag>('F', json);
  if (json) {
    formatter->add_flag<json_message_flag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","message":%j%F})");
  } else {
    formatter->add_flag<escaped_message_flag>('q').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %q%F");
  }
  return formatter;
}

void setup_logging(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("broadsheet", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(make_log_formatter(format));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace broadsheet::worker
