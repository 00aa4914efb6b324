#include "worker/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "pipeline/article_json.h"

namespace broadsheet::worker {

namespace {

// %j: the message as a JSON string literal (quotes included), so a JSON line stays valid
// whatever a message contains.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string quoted;
    pipeline::append_json_string(quoted, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_flag>();
  }
};

// %q: the message with its control characters escaped, so that it stays on its line.
class escaped_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr char hex[] = "0123456789abcdef";
    const std::string_view text(msg.payload.data(), msg.payload.size());
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
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<escaped_message_flag>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == "json") {
    formatter->add_flag<json_message_flag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","message":%j})");
  } else {
    formatter->add_flag<escaped_message_flag>('q').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %q");
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
