#pragma once
// The worker's configuration: defaults, then a TOML file, then BROADSHEET_* environment
// variables, then command-line flags, each overriding the one before. Unknown keys, variables
// and flags are errors.
//
// Where to look: the settings table, with every setting's TOML key, variable, flag, default and
// range (config_settings.h); the three sources and the librdkafka passthrough (config_sources.h);
// the command line of every command (command_line.h); `config --print`, the flags' help and the
// README's reference (config_print.h); `broadsheet config` (config_command.h).

#include <cstddef>
#include <map>
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
  std::vector<std::string> args;                      // the settings' flags (a command's own: command_line.h)
  command reader = command::run;                      // whose flags and defaults
};

// The effective configuration, or a message naming the bad key, variable or flag and why.
[[nodiscard]] tl::expected<worker_config, std::string> load_config(const config_sources& sources);

}  // namespace broadsheet::worker
