#pragma once
// The worker's configuration: defaults, then a TOML file, then BROADSHEET_* environment
// variables, then command-line flags, each overriding the one before. Every setting has one
// entry in a table (config_settings.h) that names its TOML key, its environment variable and its
// flag, so the three sources, `config --print` and the README cannot disagree. Unknown keys,
// variables and flags are errors. librdkafka properties pass through unchanged as `kafka.<property>`
// (TOML table [kafka.properties], BROADSHEET_KAFKA_<PROPERTY> with '_' for '.', or
// `-X property=value`); librdkafka itself validates them.
//
// The command line of every command is read here too (parse_command_line), against the same
// table: a command's own options (`replay --from`), its operands (`process FILE…`), the flags of
// the settings it reads and --config. One parser, one set of names, ranges and messages.

#include <cstddef>
#include <functional>
#include <map>
#include <span>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "pipeline/dedup.h"
#include "pipeline/page_processor.h"

namespace broadsheet::worker {

struct worker_config {
  // [kafka]
  std::string brokers;                                // empty: start the embedded broker
  bool require_brokers = false;                       // empty brokers: refuse to start instead
  std::string group_id = "broadsheet";
  std::string input_topic = "pages.raw";
  std::string output_topic = "articles";
  std::string signatures_topic = "articles.signatures";
  std::string dlq_topic = "pages.dlq";
  std::string group_instance_id;                      // static membership when set (pod name)
  bool exactly_once = false;
  // Headers of a page record copied onto every record produced for the page, comma-separated.
  std::string propagate_headers = "traceparent,tracestate";
  std::vector<std::pair<std::string, std::string>> kafka_properties;  // passthrough, in order
  // [input.properties]: the consumer of pages only; [output.properties]: the producer only.
  std::vector<std::pair<std::string, std::string>> input_properties;
  std::vector<std::pair<std::string, std::string>> output_properties;

  // [worker]
  std::string worker_id;                              // default: the host name
  int threads = 0;                                    // 0: usable_cpu_count() (cpu_count.h)
  std::size_t max_inflight_bytes = 64u << 20;         // pages consumed but not yet acknowledged
  double shutdown_deadline_seconds = 20;
  int delivery_attempts = 5;                          // produce attempts before giving up (fatal)

  // [pipeline]
  // parse.max_record_bytes, parse.max_depth, clean.max_line_bytes. Pages of up to librdkafka's
  // default message.max.bytes, so that a page the worker accepts fits a record it can write (see
  // output_record_limit in kafka.h); `broadsheet process`, which writes no records, keeps 8 MiB.
  pipeline::processor_options pipeline{.parse = {.max_record_bytes = 1'000'000}, .clean = {}};
  // [dedup]
  bool dedup = true;
  pipeline::dedup_options dedup_options;
  bool restore_index = true;                          // rebuild from the signatures topic at start
  std::size_t cache_bytes = std::size_t{128} << 20;   // published articles held for corrections

  // [broker] (the embedded broker)
  int broker_partitions = 4;

  // [log]
  std::string log_level = "info";                     // trace, debug, info, warn, error
  std::string log_format = "text";                    // text | json

  // [metrics]
  int metrics_port = 9464;
  std::string metrics_address = "0.0.0.0";
};

// The commands that read the settings. A command takes the flags of the settings it reads (its
// --help lists them); the file and the environment may hold every setting, as one file serves
// every command. `process` starts from the pipeline's own limits (8 MiB records: it writes no
// records) and skips the checks that are about Kafka (topics, record limits, required brokers).
enum class command { run, replay, broker, config, process };

struct config_sources {
  std::string file;                                   // empty: none (see --config / BROADSHEET_CONFIG)
  std::map<std::string, std::string> env;             // only BROADSHEET_* entries are read
  std::vector<std::string> args;                      // flags (the command's own already removed)
  command reader = command::run;                      // whose flags and defaults
};

// The effective configuration, or a message naming the bad key, variable or flag and why.
[[nodiscard]] tl::expected<worker_config, std::string> load_config(const config_sources& sources);

// ---- The command line ----

// The exit status of a usage error (unknown flag, bad value, missing argument), for every command.
inline constexpr int exit_usage = 2;

// An option of a command's own, beside the settings' flags: `replay --from SPEC`, `process --pretty`.
struct command_option {
  std::string_view flag;     // --from
  std::string_view metavar;  // SPEC; empty: a switch
  std::string_view help;
  bool required = false;
  std::string (*problem)(std::string_view value) = nullptr;  // what is wrong with a value; empty: fine
};

// A command of `broadsheet` as its command line sees it.
struct command_spec {
  command reads;
  std::string_view name;   // "replay"
  std::string_view usage;  // the "usage: broadsheet …" lines, a blank line, what the command does
  std::span<const command_option> options;
  bool operands = false;   // takes arguments that are not flags (process's FILE…)
};

// What a command line gave its command.
struct command_line {
  worker_config config;
  std::map<std::string, std::string, std::less<>> options;  // own options given: flag -> value ("" for a switch)
  std::vector<std::string> operands;
};

// A command's arguments (after the command word) read with the environment: its own options and
// operands, then the configuration from --config, the environment and the settings' flags. Errors:
// the message of a usage error ("unknown flag --x", "flag --from: bad offset spec …").
[[nodiscard]] tl::expected<command_line, std::string> parse_command_line(
    const command_spec& spec, const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

// `broadsheet COMMAND --help`: the usage, the command's own options and the flags of the settings it reads.
[[nodiscard]] std::string command_help(const command_spec& spec);

// Prints "broadsheet COMMAND: message" and the command's usage lines to stderr; returns exit_usage.
int usage_error(const command_spec& spec, std::string_view message);

// The front of every command: with --help, prints command_help and returns unexpected(0); on a
// usage error, prints it and returns unexpected(exit_usage); else the command line, read with the
// process's environment.
[[nodiscard]] tl::expected<command_line, int> read_command_line(const command_spec& spec, int argc, char** argv);

// The process's environment as a map, for config_sources::env.
[[nodiscard]] std::map<std::string, std::string> process_environment();

}  // namespace broadsheet::worker
