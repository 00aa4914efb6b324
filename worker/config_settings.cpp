#include "worker/config_settings.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <limits>
#include <type_traits>

#include "pipeline/dedup.h"
#include "pipeline/page_processor.h"

namespace broadsheet::worker {

namespace {

// The member at the end of a path of member pointers: reach<&a::b, &b::c>(x) is x.b.c.
template <auto... path, typename object>
auto& reach(object& x) {
  // clang-format off
  return (x .* ... .* path);
  // clang-format on
}

// A field for a (possibly nested) member of worker_config:
// member<&worker_config::pipeline, &processor_options::parse, &parse_limits::max_depth>().
template <auto... path>
constexpr field member() {
  using type = std::remove_cvref_t<decltype(reach<path...>(std::declval<worker_config&>()))>;
  if constexpr (std::is_same_v<type, bool>) {
    return {kind::boolean, 0, 1, [](const worker_config& c) -> value { return reach<path...>(c); },
            [](worker_config& c, const value& v) { reach<path...>(c) = std::get<bool>(v); }};
  } else if constexpr (std::is_integral_v<type>) {
    constexpr auto highest = std::min<std::uint64_t>(std::numeric_limits<type>::max(), INT64_MAX);
    return {kind::integer, std::numeric_limits<type>::min(), static_cast<std::int64_t>(highest),
            [](const worker_config& c) -> value { return static_cast<std::int64_t>(reach<path...>(c)); },
            [](worker_config& c, const value& v) { reach<path...>(c) = static_cast<type>(std::get<std::int64_t>(v)); }};
  } else if constexpr (std::is_floating_point_v<type>) {
    return {kind::real, 0, 0, [](const worker_config& c) -> value { return reach<path...>(c); },
            [](worker_config& c, const value& v) { reach<path...>(c) = std::get<double>(v); }};
  } else {
    static_assert(std::is_same_v<type, std::string>);
    return {kind::text, 0, 0, [](const worker_config& c) -> value { return reach<path...>(c); },
            [](worker_config& c, const value& v) { reach<path...>(c) = std::get<std::string>(v); }};
  }
}

// dedup.shingle_words is a switch in every source but an enum in dedup_options.
constexpr field shingle_words{
    kind::boolean, 0, 1,
    [](const worker_config& c) -> value { return c.dedup_options.shingles.unit == pipeline::shingle_unit::words; },
    [](worker_config& c, const value& v) {
      c.dedup_options.shingles.unit = std::get<bool>(v) ? pipeline::shingle_unit::words : pipeline::shingle_unit::chars;
    }};

// ---- Checks: the range of a setting; they return what is wrong, empty when the value is fine ----

template <std::int64_t lo, std::int64_t hi = INT64_MAX>
std::string between(const value& v) {
  const auto n = std::get<std::int64_t>(v);
  if (n >= lo && n <= hi) return {};
  if (hi == INT64_MAX) return "must be at least " + std::to_string(lo);
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
}

std::string fraction(const value& v) {
  const double x = std::get<double>(v);
  return x > 0 && x <= 1 ? "" : "must be greater than 0 and at most 1";
}

std::string positive(const value& v) { return std::get<double>(v) > 0 ? "" : "must be greater than 0"; }

std::string not_empty(const value& v) { return std::get<std::string>(v).empty() ? "must not be empty" : ""; }

std::string header_names(const value& v) {
  const auto& names = std::get<std::string>(v);
  if (names.empty()) return {};
  if (names.find_first_of(" \t") != std::string::npos) return "must be names separated by commas, without spaces";
  if (names.front() == ',' || names.back() == ',' || names.find(",,") != std::string::npos)
    return "must not hold an empty name";
  return {};
}

constexpr std::array<std::string_view, 5> log_levels{"trace", "debug", "info", "warn", "error"};
constexpr std::array<std::string_view, 2> log_formats{"text", "json"};

template <const auto& words>
std::string one_of(const value& v) {
  if (std::find(words.begin(), words.end(), std::get<std::string>(v)) != words.end()) return {};
  std::string message = "must be one of";
  for (const auto w : words) message.append(" ").append(w);
  return message;
}

// ---- The settings: the only list of them ----

using pipeline::dedup_options;
using pipeline::processor_options;
using wc = worker_config;  // keeps the table's lines short

constexpr std::array table{
    setting{"kafka.brokers", "BROADSHEET_BROKERS", "--brokers",
            "bootstrap servers, host:port,...; empty: start the embedded broker", member<&wc::brokers>()},
    setting{
        "kafka.require_brokers", "BROADSHEET_REQUIRE_BROKERS", "--require-brokers",
        "an empty kafka.brokers is an error instead of starting the embedded broker (the image and manifests set it)",
        member<&wc::require_brokers>()},
    setting{"kafka.group_id", "BROADSHEET_GROUP_ID", "--group", "consumer group of the workers",
            member<&wc::group_id>(), not_empty},
    setting{"kafka.input_topic", "BROADSHEET_INPUT_TOPIC", "--input-topic", "topic of the page records",
            member<&wc::input_topic>(), not_empty},
    setting{"kafka.output_topic", "BROADSHEET_OUTPUT_TOPIC", "--output-topic", "topic of the article records",
            member<&wc::output_topic>(), not_empty},
    setting{"kafka.signatures_topic", "BROADSHEET_SIGNATURES_TOPIC", "--signatures-topic",
            "topic of the near-duplicate signature records", member<&wc::signatures_topic>(), not_empty},
    setting{"kafka.dlq_topic", "BROADSHEET_DLQ_TOPIC", "--dlq-topic", "dead-letter topic of rejected page records",
            member<&wc::dlq_topic>(), not_empty},
    setting{"kafka.group_instance_id", "BROADSHEET_GROUP_INSTANCE_ID", "--group-instance-id",
            "static group membership id (e.g. the pod name); empty: dynamic membership",
            member<&wc::group_instance_id>()},
    setting{"kafka.exactly_once", "BROADSHEET_EXACTLY_ONCE", "--exactly-once",
            "transactional produce and offset commit (exactly-once)", member<&wc::exactly_once>()},
    setting{"kafka.propagate_headers", "BROADSHEET_PROPAGATE_HEADERS", "--propagate-headers",
            "headers of a page record copied onto the records produced for it (its articles and signatures; a dead "
            "letter keeps them all), comma-separated; empty: none; an empty value or one over 4 KiB is not copied",
            member<&wc::propagate_headers>(), header_names},

    setting{"worker.id", "BROADSHEET_WORKER_ID", "--worker-id", "this worker's id; empty: the host name",
            member<&wc::worker_id>()},
    setting{"worker.threads", "BROADSHEET_THREADS", "--threads",
            "pipeline threads, 0 to 256; 0: the CPU limit (cgroup quota, rounded up), else the cores; at most the CPU "
            "affinity",
            member<&wc::threads>(), between<0, 256>},
    setting{"worker.max_inflight_bytes", "BROADSHEET_MAX_INFLIGHT_BYTES", "--max-inflight-bytes",
            "bytes of pages consumed but not yet acknowledged before consuming pauses (at least 1 MiB)",
            member<&wc::max_inflight_bytes>(), between<1 << 20>},
    setting{"worker.shutdown_deadline_seconds", "BROADSHEET_SHUTDOWN_DEADLINE_SECONDS", "--shutdown-deadline",
            "seconds a graceful stop may take to finish the pages in flight", member<&wc::shutdown_deadline_seconds>(),
            positive},
    setting{"worker.delivery_attempts", "BROADSHEET_DELIVERY_ATTEMPTS", "--delivery-attempts",
            "produce attempts per record before the worker stops with an error", member<&wc::delivery_attempts>(),
            between<1>},

    setting{"pipeline.max_record_bytes", "BROADSHEET_MAX_RECORD_BYTES", "--max-record-bytes",
            "larger page records or texts are rejected (record_too_large); at most the producer's message.max.bytes",
            member<&wc::pipeline, &processor_options::parse, &pipeline::parse_limits::max_record_bytes>(), between<1>},
    setting{"pipeline.max_line_bytes", "BROADSHEET_MAX_LINE_BYTES", "--max-line-bytes",
            "pages with a longer line are rejected (line_too_long)",
            member<&wc::pipeline, &processor_options::clean, &pipeline::clean_limits::max_line_bytes>(), between<1>},
    setting{"pipeline.max_json_depth", "BROADSHEET_MAX_JSON_DEPTH", "--max-json-depth",
            "deeper JSON records are rejected (json_too_deep), 1 to 1024",
            member<&wc::pipeline, &processor_options::parse, &pipeline::parse_limits::max_depth>(), between<1, 1024>},

    setting{"dedup.enabled", "BROADSHEET_DEDUP", "--no-dedup", "detect near-duplicates (--no-dedup: do not)",
            member<&wc::dedup>()},
    setting{"dedup.threshold", "BROADSHEET_THRESHOLD", "--threshold",
            "estimated Jaccard similarity that makes a near-duplicate, in (0, 1]",
            member<&wc::dedup_options, &dedup_options::threshold>(), fraction},
    setting{"dedup.shingle_size", "BROADSHEET_SHINGLE_SIZE", "--shingle-size",
            "characters (or words) per shingle, 1 to 16",
            member<&wc::dedup_options, &dedup_options::shingles, &pipeline::shingle_options::n>(), between<1, 16>},
    setting{"dedup.shingle_words", "BROADSHEET_SHINGLE_WORDS", "--shingle-words",
            "word n-grams (ICU word break) instead of character n-grams", shingle_words},
    setting{"dedup.hashes", "BROADSHEET_HASHES", "--hashes", "MinHash values per signature, 16 to 1024",
            member<&wc::dedup_options, &dedup_options::num_hashes>(), between<16, 1024>},
    setting{"dedup.min_chars", "BROADSHEET_MIN_CHARS", "--min-chars",
            "normalised texts shorter than this (and empty ones) are never linked as duplicates",
            member<&wc::dedup_options, &dedup_options::min_chars>(), between<0>},
    setting{"dedup.capacity", "BROADSHEET_CAPACITY", "--capacity", "articles held in the near-duplicate index",
            member<&wc::dedup_options, &dedup_options::capacity>(), between<1>},
    setting{"dedup.horizon_days", "BROADSHEET_HORIZON_DAYS", "--horizon-days",
            "event days held in the index behind the newest",
            member<&wc::dedup_options, &dedup_options::horizon_days>(), between<1>},
    setting{"dedup.cache_bytes", "BROADSHEET_CACHE_BYTES", "--cache-bytes",
            "bytes of published articles held to republish them corrected (older ones are counted as missed)",
            member<&wc::cache_bytes>(), between<1>},
    setting{"dedup.restore_index", "BROADSHEET_RESTORE_INDEX", "--no-restore-index",
            "rebuild the index from the signatures topic at start (--no-restore-index: start empty)",
            member<&wc::restore_index>()},

    setting{"broker.partitions", "BROADSHEET_BROKER_PARTITIONS", "--partitions",
            "partitions per topic of the embedded broker, 1 to 256", member<&wc::broker_partitions>(), between<1, 256>},

    setting{"log.level", "BROADSHEET_LOG_LEVEL", "--log-level", "trace, debug, info, warn or error",
            member<&wc::log_level>(), one_of<log_levels>},
    setting{"log.format", "BROADSHEET_LOG_FORMAT", "--log-format", "text or json (one object per line)",
            member<&wc::log_format>(), one_of<log_formats>},

    setting{"metrics.port", "BROADSHEET_METRICS_PORT", "--metrics-port",
            "port of the Prometheus /metrics endpoint, 1 to 65535; 0: no endpoint", member<&wc::metrics_port>(),
            between<0, 65535>},
    setting{"metrics.address", "BROADSHEET_METRICS_ADDRESS", "--metrics-address",
            "address the metrics and health endpoint listens on: 0.0.0.0 every IPv4 address (the kubelet's probes and "
            "Prometheus reach the pod's address), 127.0.0.1 this host only",
            member<&wc::metrics_address>(), not_empty},
};

constexpr std::array<property_scope, 3> scopes{{
    {"kafka.properties", "BROADSHEET_KAFKA_", "-X", &worker_config::kafka_properties,
     "any librdkafka property, for every client"},
    {"input.properties", "BROADSHEET_INPUT_KAFKA_", "--input-property", &worker_config::input_properties,
     "a librdkafka property for the consumer of pages only"},
    {"output.properties", "BROADSHEET_OUTPUT_KAFKA_", "--output-property", &worker_config::output_properties,
     "a librdkafka property for the producer only"},
}};

}  // namespace

std::span<const setting> settings() { return table; }

const setting* find_setting(std::string_view setting::*name, std::string_view wanted) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const setting& s) { return s.*name == wanted; });
  return it == table.end() ? nullptr : &*it;
}

std::string problem_with(const setting& s, const value& v) {
  if (s.valid != nullptr)
    if (auto problem = s.valid(v); !problem.empty()) return problem;
  if (s.target.type == kind::integer) {
    const auto n = std::get<std::int64_t>(v);
    if (n < s.target.lowest) return "must be at least " + std::to_string(s.target.lowest);
    if (n > s.target.highest) return "must be at most " + std::to_string(s.target.highest);
  }
  if (s.target.type == kind::real && !std::isfinite(std::get<double>(v))) return "must be a finite number";
  return {};
}

std::string_view section_of(std::string_view key) { return key.substr(0, key.find('.')); }
std::string_view name_in_section(std::string_view key) { return key.substr(key.find('.') + 1); }

bool switch_value(const setting& s) { return !s.flag.starts_with("--no-"); }

std::span<const property_scope> property_scopes() { return scopes; }

const property_scope* find_scope(std::string_view property_scope::*name, std::string_view wanted) {
  const auto it =
      std::find_if(scopes.begin(), scopes.end(), [&](const property_scope& p) { return p.*name == wanted; });
  return it == scopes.end() ? nullptr : &*it;
}

bool takes_flag(command reader, const setting& s) {
  const auto section = section_of(s.key);
  switch (reader) {
    case command::run:
    case command::config: return true;
    case command::replay: return s.key != "kafka.group_id";  // its own --group names the replay's group
    case command::broker:  // the embedded broker: its topics, their partitions, its log
      return section == "broker" || section == "log" || (section == "kafka" && s.key.ends_with("_topic"));
    case command::process: return section == "pipeline" || (section == "dedup" && s.key != "dedup.restore_index");
  }
  return false;
}

bool takes_properties(command reader) {
  return reader == command::run || reader == command::replay || reader == command::config;
}

worker_config defaults_for(command reader) {
  worker_config config;
  if (reader == command::process) config.pipeline = processor_options{};
  return config;
}

}  // namespace broadsheet::worker
