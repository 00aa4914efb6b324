#include "worker/run_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "worker/config.h"
#include "worker/embedded_broker.h"
#include "worker/ingest.h"
#include "worker/kafka.h"
#include "worker/logging.h"
#include "worker/metrics.h"
#include "worker/replay.h"

namespace broadsheet::worker {

namespace {

// The first SIGTERM/SIGINT asks for a graceful stop; the second exits at once. Exiting at once
// loses nothing: offsets are only ever stored for delivered pages.
std::atomic<int> signals_seen{0};
std::atomic<ingest_worker*> signal_target{nullptr};

extern "C" void on_signal(int) {
  if (signals_seen.fetch_add(1) >= 1) _exit(130);
  if (auto* w = signal_target.load()) w->stop();
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

// Splits out the command's own options (with a value each), loads the shared configuration
// from the rest, and sets up logging.
std::optional<worker_config> load(int argc, char** argv, const char* command, const std::vector<std::string>& own,
                           std::vector<std::pair<std::string, std::string>>& own_values, const char* usage) {
  config_sources sources;
  sources.env = process_environment();
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s\n%s", usage, config_flags_help().c_str());
      std::exit(0);
    }
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    if (std::find(own.begin(), own.end(), name) != own.end()) {
      if (eq != std::string::npos) {
        own_values.emplace_back(name, arg.substr(eq + 1));
      } else if (i + 1 < argc) {
        own_values.emplace_back(name, argv[++i]);
      } else {
        std::fprintf(stderr, "broadsheet %s: %s needs a value\n", command, name.c_str());
        return std::nullopt;
      }
      continue;
    }
    sources.args.push_back(arg);
  }
  auto config = load_config(sources);
  if (!config) {
    std::fprintf(stderr, "broadsheet %s: %s\n", command, config.error().c_str());
    return std::nullopt;
  }
  setup_logging(config->log_level, config->log_format);
  return std::move(*config);
}

// The bootstrap servers: the configured ones, or a new embedded broker's.
std::optional<std::string> bootstrap_for(const worker_config& config, std::optional<embedded_broker>& broker) {
  if (!config.brokers.empty()) return config.brokers;
  auto started = embedded_broker::start(config);
  if (!started) {
    spdlog::error("cannot start the embedded broker: {}", started.error());
    return std::nullopt;
  }
  broker.emplace(std::move(*started));
  spdlog::warn(
      "no brokers configured (kafka.brokers is empty): running on the embedded broker, librdkafka's in-process mock "
      "cluster at {}, for tests and demonstrations only: it keeps its records in memory and loses them at exit; set "
      "--brokers, or --require-brokers to refuse to start without them",
      broker->bootstrap());
  return broker->bootstrap();
}

// Runs the worker with its metrics and health endpoint until it stops.
int run_worker(const worker_config& config, const std::string& bootstrap, const std::optional<embedded_broker>& broker,
               const offset_range* range) {
  worker_metrics metrics;
  metrics.broker_kind(broker ? "embedded" : "kafka");
  ingest_worker worker(config, bootstrap, &metrics);
  const http_endpoint endpoint(
      metrics,
      {.live = [&] { return worker.status().live(ingest_worker::steady_now_ms()); },
       .ready = [&] { return worker.status().ready.load(); }},
      config.metrics_address, config.metrics_port);
  if (config.metrics_port != 0) {
    if (!endpoint.running()) {
      spdlog::error("cannot listen on {}:{} for metrics", config.metrics_address, config.metrics_port);
      return 1;
    }
    spdlog::info("metrics on http://{}:{}/metrics (health: /healthz, /readyz)", config.metrics_address,
                 config.metrics_port);
  }
  signal_target = &worker;
  install_signal_handlers();
  const int code = range == nullptr ? worker.run_group() : worker.run_range(*range);
  signal_target = nullptr;
  return code;
}

}  // namespace

int run_main(int argc, char** argv) {
  std::vector<std::pair<std::string, std::string>> own;
  auto config = load(argc, argv, "run", {}, own,
                     "usage: broadsheet run [options]\n\nConsumes page records, publishes articles, signatures "
                     "and dead letters. With no brokers configured, starts the embedded broker.\n");
  if (!config) return exit_usage;
  std::optional<embedded_broker> broker;
  const auto bootstrap = bootstrap_for(*config, broker);
  if (!bootstrap) return 1;
  return run_worker(*config, *bootstrap, broker, nullptr);
}

int broker_main(int argc, char** argv) {
  std::vector<std::pair<std::string, std::string>> own;
  auto config = load(argc, argv, "broker", {}, own,
                     "usage: broadsheet broker [--partitions N] [options]\n\n"
                     "Runs only the embedded broker (librdkafka's mock cluster: 3 brokers on loopback) with the\n"
                     "input, output, signatures and dead-letter topics created. Prints its bootstrap address as\n"
                     "the first line on stdout, then reads control lines on stdin and answers each on stdout:\n"
                     "  down <broker_id|-1> | up <broker_id|-1> | errors <api_key> <error_code> <count>\n"
                     "  | clear <api_key> | topic <name> <partitions>\n"
                     "Stops on SIGTERM or SIGINT.\n");
  if (!config) return exit_usage;
  auto broker = embedded_broker::start(*config);
  if (!broker) {
    std::fprintf(stderr, "broadsheet broker: %s\n", broker.error().c_str());
    return 1;
  }
  std::printf("%s\n", broker->bootstrap().c_str());
  std::fflush(stdout);
  std::atomic<bool> stop{false};
  std::thread control([&] {
    std::string line;
    while (!stop && std::getline(std::cin, line)) {
      if (line.empty()) continue;
      const std::string reply = broker->control(line);
      std::printf("%s\n", reply.c_str());
      std::fflush(stdout);
    }
  });
  control.detach();  // a blocked read of stdin must not keep the process alive
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  stop = true;
  return 0;
}

int replay_main(int argc, char** argv) {
  std::vector<std::pair<std::string, std::string>> own;
  auto loaded = load(argc, argv, "replay", {"--from", "--to", "--group", "--time-lookup"}, own,
                     "usage: broadsheet replay --from SPEC [--to SPEC] [--output-topic T] [--group G]\n"
                     "                         [--time-lookup kafka|scan] [options]\n\n"
                     "Reprocesses offsets [from, to) of every partition of the input topic and exits 0 when all\n"
                     "of it is acknowledged. SPEC: beginning | end | N | P:N,P:N… | an RFC 3339 time.\n"
                     "--to defaults to end (the high watermarks when the replay starts). --group (default\n"
                     "<group>.replay) receives the commits, so the live group is untouched. --time-lookup scan\n"
                     "reads record timestamps instead of asking the broker's time index (needed for the\n"
                     "embedded broker, which has none).\n");
  if (!loaded) return exit_usage;
  std::string from, to = "end", lookup_kind = "kafka";
  std::optional<std::string> group;
  for (const auto& [name, value] : own) {
    if (name == "--from") from = value;
    if (name == "--to") to = value;
    if (name == "--group") group = value;
    if (name == "--time-lookup") lookup_kind = value;
  }
  if (from.empty() || (lookup_kind != "kafka" && lookup_kind != "scan")) {
    std::fprintf(stderr, "broadsheet replay: --from is required; --time-lookup is kafka or scan\n");
    return exit_usage;
  }
  auto& config = *loaded;
  config.group_id = group.value_or(config.group_id + ".replay");
  std::optional<embedded_broker> broker;
  const auto bootstrap = bootstrap_for(config, broker);
  if (!bootstrap) return 1;
  auto conf = make_client_conf(config, client_role::producer, *bootstrap);
  if (!conf) {
    spdlog::error("{}", conf.error());
    return 1;
  }
  auto client = make_client(std::move(*conf), RD_KAFKA_PRODUCER);
  if (!client) {
    spdlog::error("{}", client.error());
    return 1;
  }
  auto lookup = lookup_kind == "scan" ? scan_offset_lookup(client->get()) : kafka_offset_lookup(client->get());
  const auto range = resolve_range(client->get(), config.input_topic, from, to, *lookup);
  if (!range) {
    spdlog::error("replay: {}", range.error());
    return 1;
  }
  for (const auto& [p, span] : *range)
    spdlog::info("replay {} partition {}: offsets [{}, {})", config.input_topic, p, span.first, span.second);
  return run_worker(config, *bootstrap, broker, &*range);
}

}  // namespace broadsheet::worker
