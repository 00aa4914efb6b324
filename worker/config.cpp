#include "worker/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <regex>
#include <string_view>
#include <type_traits>
#include <variant>

#include <toml++/toml.h>
#include <unistd.h>

#include "pipeline/article_json.h"
#include "worker/kafka.h"

extern char** environ;  // POSIX: the process environment (unistd.h declares it only with _GNU_SOURCE)

namespace broadsheet::worker {

namespace {

using status = tl::expected<void, std::string>;

tl::unexpected<std::string> fail(std::string message) { return tl::make_unexpected(std::move(message)); }

// ---- Values: what every source is converted to before a setting sees it ----

enum class kind { boolean, integer, real, text };  // the order of the alternatives of `value`
using value = std::variant<bool, std::int64_t, double, std::string>;

// Reads and writes one setting of a worker_config. `lowest`/`highest` are what the member can
// hold, so that no integer is truncated whatever the setting's own range says.
struct field {
  kind type;
  std::int64_t lowest;
  std::int64_t highest;
  value (*get)(const worker_config&);
  void (*set)(worker_config&, const value&);
};

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

using check_fn = std::string (*)(const value&);

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

// A boolean's flag is a switch: `--name` sets true, `--no-name` sets false (see switch_value).
struct setting {
  std::string_view key;   // TOML: section.name
  std::string_view env;   // environment variable
  std::string_view flag;  // command-line flag
  std::string_view help;  // one line, also the comment in `config --print`
  field target;
  check_fn valid = nullptr;  // nullptr: any value of the type
  bool secret = false;       // masked by print_config
};

using pipeline::dedup_options;
using pipeline::processor_options;
using wc = worker_config;  // keeps the table's lines short

constexpr std::array settings{
    setting{"kafka.brokers", "BROADSHEET_BROKERS", "--brokers",
            "bootstrap servers, host:port,...; empty: start the embedded broker", member<&wc::brokers>()},
    setting{"kafka.require_brokers", "BROADSHEET_REQUIRE_BROKERS", "--require-brokers",
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
    setting{"worker.threads", "BROADSHEET_THREADS", "--threads", "pipeline threads, 0 to 256; 0: the CPU limit (cgroup quota, rounded up), else the cores; at most the CPU affinity",
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

constexpr std::string_view config_flag = "--config";
constexpr std::string_view config_env = "BROADSHEET_CONFIG";
constexpr std::string_view env_prefix = "BROADSHEET_";
// Where librdkafka properties passed through go: every client, the consumer of pages (input) or
// the producer (output). The signatures reader takes only the shared ones.
using property_list = std::vector<std::pair<std::string, std::string>>;
struct property_scope {
  std::string_view key;         // the TOML table
  std::string_view env_prefix;  // BROADSHEET_KAFKA_SECURITY_PROTOCOL -> security.protocol
  std::string_view flag;        // -X security.protocol=ssl
  property_list worker_config::*list;
  std::string_view meaning;
};
constexpr std::array<property_scope, 3> property_scopes{{
    {"kafka.properties", "BROADSHEET_KAFKA_", "-X", &worker_config::kafka_properties,
     "any librdkafka property, for every client"},
    {"input.properties", "BROADSHEET_INPUT_KAFKA_", "--input-property", &worker_config::input_properties,
     "a librdkafka property for the consumer of pages only"},
    {"output.properties", "BROADSHEET_OUTPUT_KAFKA_", "--output-property", &worker_config::output_properties,
     "a librdkafka property for the producer only"},
}};
const property_scope& shared_properties = property_scopes[0];

const property_scope* find_scope(std::string_view property_scope::*name, std::string_view wanted) {
  const auto it = std::find_if(property_scopes.begin(), property_scopes.end(),
                               [&](const property_scope& p) { return p.*name == wanted; });
  return it == property_scopes.end() ? nullptr : &*it;
}
// BROADSHEET_* variables that are not settings but are read elsewhere (not an error).
constexpr std::array<std::string_view, 1> other_env{config_env};

const setting* find_setting(std::string_view setting::*name, std::string_view wanted) {
  const auto it = std::find_if(settings.begin(), settings.end(), [&](const setting& s) { return s.*name == wanted; });
  return it == settings.end() ? nullptr : &*it;
}

std::string_view section_of(std::string_view key) { return key.substr(0, key.find('.')); }
std::string_view name_in_section(std::string_view key) { return key.substr(key.find('.') + 1); }

// The value a switch flag sets when given without `=value`.
bool switch_value(const setting& s) { return !s.flag.starts_with("--no-"); }

// ---- Which command reads which settings ----

// The settings whose flags a command takes: the ones it reads.
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

// Whether a command takes librdkafka properties (-X, --input-property, --output-property).
bool takes_properties(command reader) {
  return reader == command::run || reader == command::replay || reader == command::config;
}

// The configuration before any source: `process` writes no records, so it keeps the pipeline's
// own page limit (8 MiB) instead of the producer's.
worker_config defaults_for(command reader) {
  worker_config config;
  if (reader == command::process) config.pipeline = processor_options{};
  return config;
}

// ---- librdkafka passthrough ----

// Properties the worker derives from its own settings; a passthrough would silently fight them.
struct owned_property {
  std::string_view name;
  std::string_view instead;  // the setting to use; empty: none, the worker alone decides
};
constexpr std::array<owned_property, 7> owned_properties{{
    {"bootstrap.servers", "kafka.brokers"},
    {"metadata.broker.list", "kafka.brokers"},  // librdkafka's alias of bootstrap.servers
    {"group.id", "kafka.group_id"},
    {"group.instance.id", "kafka.group_instance_id"},
    {"transactional.id", "kafka.exactly_once"},
    {"enable.auto.commit", "kafka.exactly_once"},
    {"enable.auto.offset.store", ""},
}};

constexpr std::array<std::string_view, 7> secret_markers{
    "password", "secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "key.password", "token"};

bool is_secret_property(std::string_view name) {
  return std::any_of(secret_markers.begin(), secret_markers.end(),
                     [&](std::string_view marker) { return name.find(marker) != std::string_view::npos; });
}

std::string flag_and_env(const setting& s) { return std::string(s.flag) + ", " + std::string(s.env); }

// ---- Converting what the sources hold ----

constexpr std::string_view kind_name(kind k) {
  switch (k) {
    case kind::boolean: return "true or false";
    case kind::integer: return "an integer";
    case kind::real: return "a number";
    case kind::text: return "a string";
  }
  return "";
}

// Environment variables and flags are text.
tl::expected<value, std::string> parse_text(kind k, const std::string& text) {
  const char* first = text.data();
  const char* last = first + text.size();
  switch (k) {
    case kind::boolean:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      break;
    case kind::integer: {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(first, last, n);
      if (ec == std::errc() && end == last) return n;
      break;
    }
    case kind::real: {
      double x = 0;
      const auto [end, ec] = std::from_chars(first, last, x);
      if (ec == std::errc() && end == last) return x;
      break;
    }
    case kind::text: return text;
  }
  return fail("expected " + std::string(kind_name(k)) + ", not \"" + text + "\"");
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

tl::expected<value, std::string> from_toml(kind k, const toml::node& node) {
  switch (k) {
    case kind::boolean:
      if (const auto* b = node.as_boolean()) return b->get();
      break;
    case kind::integer:
      if (const auto* i = node.as_integer()) return i->get();
      break;
    case kind::real:  // `20` is as good as `20.0`
      if (const auto* f = node.as_floating_point()) return f->get();
      if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
      break;
    case kind::text:
      if (const auto* s = node.as_string()) return s->get();
      break;
  }
  return fail("expected " + std::string(kind_name(k)) + ", not " + std::string(toml_type_name(node)));
}

// A passthrough value in TOML: librdkafka takes strings, so numbers and booleans are spelled out.
tl::expected<std::string, std::string> property_from_toml(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return std::string(b->get() ? "true" : "false");
  return fail("expected a string, integer or boolean, not " + std::string(toml_type_name(node)));
}

// ---- Applying values, whatever their source ----

// Where a value came from, for messages: "flag --threshold", "key dedup.threshold in a.toml (line 3)".
using origin = std::string;

// Applies values to one worker_config in source order, checking each as it arrives so that an
// error names the source that set it.
class loader {
 public:
  explicit loader(worker_config& config) : config_(config), scratch_(rd_kafka_conf_new()) {}

  status set(const setting& s, tl::expected<value, std::string> v, const origin& from) {
    if (!v) return fail(from + ": " + v.error());
    if (const auto problem = problem_with(s, *v); !problem.empty()) return fail(from + ": " + problem);
    s.target.set(config_, *v);
    origins_[s.key] = from;
    return {};
  }

  status set_property(const property_scope& scope, const std::string& name, const std::string& v,
                      const origin& from) {
    if (const auto owned = std::find_if(owned_properties.begin(), owned_properties.end(),
                                        [&](const owned_property& p) { return p.name == name; });
        owned != owned_properties.end()) {
      std::string message = from + ": the worker sets " + name + " itself";
      if (const auto* s = find_setting(&setting::key, owned->instead))
        message += "; use " + std::string(s->key) + " (" + flag_and_env(*s) + ")";
      return fail(message);
    }
    // The scratch conf only checks name and value; the worker builds its real confs later.
    std::array<char, 512> error{};
    if (rd_kafka_conf_set(scratch_.get(), name.c_str(), v.c_str(), error.data(), error.size()) != RD_KAFKA_CONF_OK)
      return fail(from + ": librdkafka: " + error.data());
    auto& properties = config_.*scope.list;
    const auto same =
        std::find_if(properties.begin(), properties.end(), [&](const auto& p) { return p.first == name; });
    if (same != properties.end()) {
      same->second = v;  // a later source wins, the property keeps its place
      return {};
    }
    properties.emplace_back(name, v);
    return {};
  }

  // Which source set a setting last, for checks that involve two settings.
  origin origin_of(std::string_view key) const {
    const auto it = origins_.find(key);
    return it == origins_.end() ? "the default" : it->second;
  }

 private:
  // The setting's own range first: its message is the one that helps.
  static std::string problem_with(const setting& s, const value& v) {
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

  worker_config& config_;
  kafka_conf scratch_;                                       // validates passthrough properties
  std::map<std::string_view, origin, std::less<>> origins_;  // setting key -> last source
};

// ---- The sources ----

// A TOML table: settings by key path, [kafka.properties] flattened (`security.protocol = ...`
// unquoted is a nested table in TOML, and means the same property).
class file_reader {
 public:
  file_reader(loader& into, std::string path) : into_(into), path_(std::move(path)) {}

  status read() {
    if (std::error_code ec; !std::filesystem::exists(path_, ec))
      return fail("config file " + path_ + " does not exist");
    toml::table root;
    try {
      root = toml::parse_file(path_);
    } catch (const toml::parse_error& e) {
      return fail(path_ + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
                  ": " + std::string(e.description()));
    }
    return read_table(root, "");
  }

 private:
  origin at(const std::string& key, const toml::node& node) const {
    return "key " + key + " in " + path_ + " (line " + std::to_string(node.source().begin.line) + ")";
  }

  status read_table(const toml::table& table, const std::string& prefix) {
    for (const auto& [name, node] : table) {
      const std::string key = prefix + std::string(name.str());
      status done;
      if (const auto* s = find_setting(&setting::key, key)) {
        done = into_.set(*s, from_toml(s->target.type, node), at(key, node));
      } else if (const auto* scope = find_scope(&property_scope::key, key); scope != nullptr && node.is_table()) {
        done = read_properties(*scope, *node.as_table(), "");
      } else if (is_section(key) && node.is_table()) {
        done = read_table(*node.as_table(), key + ".");
      } else {
        return fail("unknown " + at(key, node));
      }
      if (!done) return done;
    }
    return {};
  }

  status read_properties(const property_scope& scope, const toml::table& table, const std::string& prefix) {
    for (const auto& [part, node] : table) {
      const std::string name = prefix + std::string(part.str());
      const origin from = at(std::string(scope.key) + "." + name, node);
      status done;
      if (const auto* nested = node.as_table()) {
        done = read_properties(scope, *nested, name + ".");
      } else if (auto v = property_from_toml(node); !v) {
        return fail(from + ": " + v.error());
      } else {
        done = into_.set_property(scope, name, *v, from);
      }
      if (!done) return done;
    }
    return {};
  }

  static bool is_section(std::string_view key) {
    return std::any_of(settings.begin(), settings.end(), [&](const setting& s) { return section_of(s.key) == key; }) ||
           std::any_of(property_scopes.begin(), property_scopes.end(),
                       [&](const property_scope& p) { return section_of(p.key) == key; });
  }

  loader& into_;
  std::string path_;
};

// BROADSHEET_KAFKA_SECURITY_PROTOCOL -> security.protocol
std::string property_from_env(const property_scope& scope, std::string_view variable) {
  std::string name(variable.substr(scope.env_prefix.size()));
  for (char& c : name) c = c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// The variables Kubernetes injects for every Service with a cluster IP in the pod's namespace
// (unless the pod sets enableServiceLinks: false), docker links' names: for a Service
// broadsheet-metrics, BROADSHEET_METRICS_SERVICE_HOST, BROADSHEET_METRICS_SERVICE_PORT[_<port
// name>], BROADSHEET_METRICS_PORT=tcp://10.0.0.1:9464 and BROADSHEET_METRICS_PORT_9464_TCP[_PROTO,
// _PORT, _ADDR]. A bare <NAME>_PORT is a link only by its value (proto://host:port), since
// BROADSHEET_METRICS_PORT is also a setting.
bool is_service_link(const std::string& variable, const std::string& text) {
  static const std::regex named(
      R"(^[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)$)");
  static const std::regex link_port(R"(^[A-Z0-9_]+_PORT$)");
  static const std::regex link_value(R"(^(tcp|udp|sctp)://[^/]+:[0-9]+$)");
  return std::regex_match(variable, named) ||
         (std::regex_match(variable, link_port) && std::regex_match(text, link_value));
}

const property_scope* scope_of_variable(std::string_view variable) {
  for (const auto& scope : property_scopes)
    if (variable.starts_with(scope.env_prefix) && variable.size() > scope.env_prefix.size()) return &scope;
  return nullptr;
}

status read_env(loader& into, const std::map<std::string, std::string>& env) {
  for (const auto& [variable, text] : env) {
    if (!variable.starts_with(env_prefix)) continue;
    if (std::find(other_env.begin(), other_env.end(), variable) != other_env.end()) continue;
    if (is_service_link(variable, text)) continue;
    const origin from = "environment variable " + variable;
    status done;
    if (const auto* s = find_setting(&setting::env, variable)) {
      done = into.set(*s, parse_text(s->target.type, text), from);
    } else if (const auto* scope = scope_of_variable(variable)) {
      done = into.set_property(*scope, property_from_env(*scope, variable), text, from);
    } else {
      return fail("unknown environment variable " + variable);
    }
    if (!done) return done;
  }
  return {};
}

// One flag of the command line with its value: `--name value`, `--name=value`, a switch
// (`--exactly-once`, `--no-dedup`) or `-X property=value`.
struct flag_use {
  std::string name;
  std::optional<std::string> value;  // none: a switch given bare
};

bool takes_value(std::string_view name) {
  if (name == config_flag || find_scope(&property_scope::flag, name) != nullptr) return true;
  const auto* s = find_setting(&setting::flag, name);
  return s != nullptr && s->target.type != kind::boolean;
}

// Whether a flag is one of the settings' flags a command takes (--config is every command's).
bool takes_setting_flag(command reader, std::string_view name) {
  if (name == config_flag) return true;
  if (find_scope(&property_scope::flag, name) != nullptr) return takes_properties(reader);
  const auto* s = find_setting(&setting::flag, name);
  return s != nullptr && takes_flag(reader, *s);
}

// A command line taken apart: the settings' flags in order, the command's own options, operands.
struct split_line {
  std::vector<flag_use> flags;
  std::map<std::string, std::string, std::less<>> options;
  std::vector<std::string> operands;
};

const command_option* find_option(const command_spec& spec, std::string_view name) {
  const auto it = std::find_if(spec.options.begin(), spec.options.end(),
                               [&](const command_option& o) { return o.flag == name; });
  return it == spec.options.end() ? nullptr : &*it;
}

tl::expected<split_line, std::string> split_args(const std::vector<std::string>& args, const command_spec& spec) {
  split_line line;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (spec.operands && (arg == "-" || !arg.starts_with("-"))) {
      line.operands.push_back(arg);
      continue;
    }
    if (arg == "-X") {
      if (!takes_properties(spec.reads)) return fail("unknown flag -X");
      if (i + 1 == args.size()) return fail("flag -X needs a value: -X property=value");
      line.flags.push_back({arg, args[++i]});
      continue;
    }
    if (!arg.starts_with("--")) return fail("unexpected argument " + arg);
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos) value = arg.substr(eq + 1);
    if (const auto* own = find_option(spec, name)) {
      if (own->metavar.empty()) {
        if (value) return fail("flag " + name + " takes no value");
      } else if (!value) {
        if (i + 1 == args.size()) return fail("flag " + name + " needs a value");
        value = args[++i];
      }
      if (own->problem != nullptr)
        if (const auto problem = own->problem(*value); !problem.empty()) return fail("flag " + name + ": " + problem);
      line.options[name] = value.value_or("");
      continue;
    }
    if (!takes_setting_flag(spec.reads, name)) return fail("unknown flag " + name);
    if (!value && takes_value(name)) {
      if (i + 1 == args.size()) return fail("flag " + name + " needs a value");
      value = args[++i];
    }
    line.flags.push_back({name, std::move(value)});
  }
  for (const auto& own : spec.options)
    if (own.required && !line.options.contains(own.flag)) return fail(std::string(own.flag) + " is required");
  return line;
}

status apply_flag(loader& into, const flag_use& flag) {
  if (flag.name == config_flag) return {};  // chose the file already
  if (const auto* scope = find_scope(&property_scope::flag, flag.name)) {
    const std::string name(scope->flag);
    const auto eq = flag.value->find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("flag " + name + " " + *flag.value + ": expected property=value");
    return into.set_property(*scope, flag.value->substr(0, eq), flag.value->substr(eq + 1),
                             "flag " + name + " " + flag.value->substr(0, eq));
  }
  const setting& s = *find_setting(&setting::flag, flag.name);
  const origin from = "flag " + flag.name;
  if (!flag.value) return into.set(s, value(switch_value(s)), from);
  // `--exactly-once=false` reads well; `--no-dedup=true` would be a double negation.
  if (s.target.type == kind::boolean && !switch_value(s)) return fail(from + " takes no value");
  return into.set(s, parse_text(s.target.type, *flag.value), from);
}

// The file named by --config, else BROADSHEET_CONFIG, else sources.file; empty: none.
std::string config_file(const config_sources& sources, const std::vector<flag_use>& flags) {
  std::string file = sources.file;
  if (const auto it = sources.env.find(std::string(config_env)); it != sources.env.end() && !it->second.empty())
    file = it->second;
  for (const auto& flag : flags)
    if (flag.name == config_flag) file = *flag.value;
  return file;
}

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "broadsheet";
  return name.data();
}

// The four topics must differ: a worker reading its own output would loop forever.
status check_topics(const worker_config& config, const loader& loaded) {
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

// ---- Printing ----

// A TOML basic string: JSON's escapes are TOML's, except that TOML also forbids a raw DEL.
std::string toml_string(std::string_view text) {
  std::string out;
  pipeline::append_json_string(out, text);
  for (std::size_t at = out.find('\x7f'); at != std::string::npos; at = out.find('\x7f', at))
    out.replace(at, 1, "\\u007f");
  return out;
}

std::string toml_literal(const value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using type = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<type, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<type, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<type, double>) {
          std::array<char, 32> digits{};
          const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), x).ptr;
          std::string text(digits.data(), end);
          // The shortest form of 20.0 is "20", which TOML would read as an integer.
          if (text.find_first_of(".e") == std::string::npos) text += ".0";
          return text;
        } else {
          return toml_string(x);
        }
      },
      v);
}

constexpr std::string_view masked = "\"********\"";

// A key that TOML reads as one key even when it holds dots.
std::string toml_key(std::string_view name) {
  const bool bare = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  return bare && !name.empty() ? std::string(name) : toml_string(name);
}

std::string metavar(kind k) {
  switch (k) {
    case kind::boolean: return "";
    case kind::integer: return " N";
    case kind::real: return " X";
    case kind::text: return " TEXT";
  }
  return "";
}

// "  --flag META      help [details]"; no details: no brackets.
std::string help_line(std::string flag, std::string_view help, std::string_view details) {
  constexpr std::size_t width = 32;
  flag.insert(0, "  ");
  flag.resize(std::max(width, flag.size() + 2), ' ');
  flag += help;
  if (!details.empty()) flag.append(" [").append(details).append("]");
  return flag + "\n";
}

constexpr std::array config_options{
    command_option{"--print", "", "print the effective configuration as TOML (secrets masked)"},
    command_option{"--check", "", "validate the configuration and build the clients as run does; prints "
                                  "\"configuration ok\""},
};

constexpr command_spec config_command{
    command::config, "config",
    "usage: broadsheet config --print|--check [options]\n"
    "\n"
    "The effective configuration of `run`, or whether it is valid. Settings come from the defaults,\n"
    "then the TOML file, then BROADSHEET_* environment variables, then flags; each overrides the\n"
    "one before.\n",
    config_options};

// The configuration of the command sources.reader from its file, environment and flags.
tl::expected<worker_config, std::string> load(const config_sources& sources, const std::vector<flag_use>& flags) {
  worker_config config = defaults_for(sources.reader);
  loader into(config);
  if (const auto file = config_file(sources, flags); !file.empty()) {
    if (auto read = file_reader(into, file).read(); !read) return fail(read.error());
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

}  // namespace

tl::expected<worker_config, std::string> load_config(const config_sources& sources) {
  const command_spec bare{sources.reader, "", "", {}};
  const auto line = split_args(sources.args, bare);
  if (!line) return fail(line.error());
  return load(sources, line->flags);
}

tl::expected<command_line, std::string> parse_command_line(const command_spec& spec,
                                                           const std::vector<std::string>& args,
                                                           const std::map<std::string, std::string>& env) {
  auto line = split_args(args, spec);
  if (!line) return fail(line.error());
  auto config = load(config_sources{{}, env, {}, spec.reads}, line->flags);
  if (!config) return fail(config.error());
  return command_line{std::move(*config), std::move(line->options), std::move(line->operands)};
}

std::string command_help(const command_spec& spec) {
  std::string out(spec.usage);
  out += "\noptions:\n";
  for (const auto& own : spec.options) {
    std::string flag(own.flag);
    if (!own.metavar.empty()) flag.append(" ").append(own.metavar);
    out += help_line(flag, own.help, "");
  }
  out += help_line("--help, -h", "this text", "");
  out += "\nsettings (flag, then its variable and TOML key = default; flags beat variables, variables the file):\n";
  return out + config_flags_help(spec.reads);
}

int usage_error(const command_spec& spec, std::string_view message) {
  const std::string_view usage = spec.usage.substr(0, spec.usage.find("\n\n") + 1);
  std::fprintf(stderr, "broadsheet %.*s: %.*s\n%.*s(broadsheet %.*s --help lists every option)\n",
               static_cast<int>(spec.name.size()), spec.name.data(), static_cast<int>(message.size()), message.data(),
               static_cast<int>(usage.size()), usage.data(), static_cast<int>(spec.name.size()), spec.name.data());
  return exit_usage;
}

tl::expected<command_line, int> read_command_line(const command_spec& spec, int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  if (std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    std::fputs(command_help(spec).c_str(), stdout);
    return tl::make_unexpected(0);
  }
  auto line = parse_command_line(spec, args, process_environment());
  if (!line) return tl::make_unexpected(usage_error(spec, line.error()));
  return std::move(*line);
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

std::string print_config(const worker_config& config) {
  std::string out = "# broadsheet configuration: defaults, TOML file, BROADSHEET_* variables and flags applied.\n";
  std::string_view section;
  for (const auto& s : settings) {
    if (section_of(s.key) != section) {
      section = section_of(s.key);
      out.append("\n[").append(section).append("]\n");
    }
    out.append("# ").append(s.help).append("\n");
    out.append(name_in_section(s.key)).append(" = ");
    out.append(s.secret ? std::string(masked) : toml_literal(s.target.get(config))).append("\n");
  }
  for (const auto& scope : property_scopes) {
    const property_list& list = config.*scope.list;
    if (&scope != &shared_properties && list.empty()) continue;
    out.append("\n[").append(scope.key).append("]\n# librdkafka properties passed through unchanged: ");
    out.append(scope.meaning).append("\n");
    for (const auto& [name, v] : list)
      out.append(toml_key(name)).append(" = ").append(is_secret_property(name) ? masked : toml_string(v)).append("\n");
  }
  return out;
}

std::string config_flags_help(command reader) {
  const worker_config defaults = defaults_for(reader);
  std::string out = help_line(std::string(config_flag) + " PATH", "TOML configuration file", config_env);
  for (const auto& s : settings) {
    if (!takes_flag(reader, s)) continue;
    std::string details = std::string(s.env) + ", " + std::string(s.key);
    if (!s.secret) details += " = " + toml_literal(s.target.get(defaults));
    out += help_line(std::string(s.flag) + metavar(s.target.type), s.help, details);
  }
  for (const auto& scope : property_scopes)
    if (takes_properties(reader))
      out += help_line(std::string(scope.flag) + " PROPERTY=VALUE", std::string(scope.meaning) + ", repeatable",
                     std::string(scope.env_prefix) + "<PROPERTY with _ for .>, [" + std::string(scope.key) + "]");
  return out;
}

std::string config_reference_markdown() {
  const worker_config defaults;
  std::string out = "| TOML key | environment | flag | default | meaning |\n|---|---|---|---|---|\n";
  for (const auto& s : settings) {
    const std::string value = s.secret ? "(secret)" : toml_literal(s.target.get(defaults));
    out += "| `" + std::string(s.key) + "` | `" + std::string(s.env) + "` | `" + std::string(s.flag) + "` | `" +
           value + "` | " + std::string(s.help) + " |\n";
  }
  for (const auto& scope : property_scopes)
    out += "| `" + std::string(scope.key) + ".<name>` | `" + std::string(scope.env_prefix) + "<NAME>` | `" +
           std::string(scope.flag) + " name=value` | | " + std::string(scope.meaning) +
           " (`.` → `_` in the variable) |\n";
  return out;
}

int config_main(int argc, char** argv) {
  const auto line = read_command_line(config_command, argc, argv);
  if (!line) return line.error();
  const bool print = line->options.contains("--print");
  if (print == line->options.contains("--check")) return usage_error(config_command, "give one of --print and --check");
  if (!print) {
    if (auto clients = check_clients(line->config); !clients) return usage_error(config_command, clients.error());
  }
  std::fputs(print ? print_config(line->config).c_str() : "configuration ok\n", stdout);
  return 0;
}

}  // namespace broadsheet::worker
