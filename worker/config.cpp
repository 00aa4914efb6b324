#include "worker/config.h"

#include <array>
#include <climits>
#include <cstddef>
#include <string_view>
#include <utility>

#include <unistd.h>

#include "worker/config_settings.h"
#include "worker/config_sources.h"
#include "worker/kafka.h"

namespace broadsheet::worker {

namespace {

tl::unexpected<std::string> fail(std::string message) { return tl::make_unexpected(std::move(message)); }

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "broadsheet";
  return name.data();
}

// The four topics must differ: a worker reading its own output would loop forever.
status check_topics(const worker_config& config, const config_loader& loaded) {
  constexpr std::array<std::string_view, 4> keys{"kafka.input_topic", "kafka.output_topic", "kafka.signatures_topic",
                                                 "kafka.dlq_topic"};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = i + 1; j < keys.size(); ++j) {
      const auto a = std::get<std::string>(find_setting(&setting::key, keys[i])->target.get(config));
      const auto b = std::get<std::string>(find_setting(&setting::key, keys[j])->target.get(config));
      if (a != b) continue;
      return fail(std::string(keys[j]) + " (" + loaded.origin_of(keys[j]) + ") and " + std::string(keys[i]) + " (" +
                  loaded.origin_of(keys[i]) + ") are the same topic \"" + a + "\"");
    }
  }
  return {};
}

}  // namespace

tl::expected<worker_config, std::string> load_config(const config_sources& sources) {
  std::vector<flag_use> flags;
  for (std::size_t i = 0; i < sources.args.size(); ++i) {
    auto flag = read_setting_flag(sources.args, i, sources.reader);
    if (!flag) return fail(flag.error());
    flags.push_back(std::move(*flag));
  }
  worker_config config = defaults_for(sources.reader);
  config_loader into(config);
  if (const auto file = config_file(sources, flags); !file.empty()) {
    if (auto read = read_file(into, file); !read) return fail(read.error());
  }
  if (auto read = read_env(into, sources.env); !read) return fail(read.error());
  for (const auto& flag : flags)
    if (auto applied = apply_flag(into, flag); !applied) return fail(applied.error());
  if (config.worker_id.empty()) config.worker_id = host_name();
  if (sources.reader == command::process) return config;  // nothing of Kafka
  if (config.require_brokers && config.brokers.empty())
    return fail("kafka.brokers is empty and kafka.require_brokers is set (" + into.origin_of("kafka.require_brokers") +
                "): give the bootstrap servers (--brokers, BROADSHEET_BROKERS or kafka.brokers); the embedded broker "
                "is for tests and demonstrations only");
  if (auto topics = check_topics(config, into); !topics) return fail(topics.error());
  if (auto limit = output_record_limit(config); !limit) return fail(limit.error());
  return config;
}

}  // namespace broadsheet::worker
