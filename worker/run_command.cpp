#include "worker/run_command.h"

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "worker/command_line.h"
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

// The command line of a Kafka command; on success, sets up logging as it asks.
tl::expected<command_line, int> read(const command_spec& spec, int argc, char** argv) {
  auto line = read_command_line(spec, argc, argv);
  if (line) setup_logging(line->config.log_level, line->config.log_format);
  return line;
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
  constexpr command_spec spec{
      command::run, "run",
      "usage: broadsheet run [options]\n"
      "\n"
      "Consumes page records, publishes articles, signatures and dead letters. With no brokers\n"
      "configured, starts the embedded broker.\n",
      {}};
  const auto line = read(spec, argc, argv);
  if (!line) return line.error();
  std::optional<embedded_broker> broker;
  const auto bootstrap = bootstrap_for(line->config, broker);
  if (!bootstrap) return 1;
  return run_worker(line->config, *bootstrap, broker, nullptr);
}

int broker_main(int argc, char** argv) {
  constexpr command_spec spec{
      command::broker, "broker",
      "usage: broadsheet broker [--partitions N] [options]\n"
      "\n"
      "Runs only the embedded broker (librdkafka's mock cluster: 3 brokers on loopback) with the\n"
      "input, output, signatures and dead-letter topics created. Prints its bootstrap address as\n"
      "the first line on stdout, then reads control lines on stdin and answers each on stdout:\n"
      "  down <broker_id|-1> | up <broker_id|-1> | errors <api_key> <error_code> <count>\n"
      "  | clear <api_key> | topic <name> <partitions>\n"
      "Stops on SIGTERM or SIGINT.\n",
      {}};
  const auto line = read(spec, argc, argv);
  if (!line) return line.error();
  auto broker = embedded_broker::start(line->config);
  if (!broker) {
    std::fprintf(stderr, "broadsheet broker: %s\n", broker.error().c_str());
    return 1;
  }
  std::printf("%s\n", broker->bootstrap().c_str());
  std::fflush(stdout);
  std::atomic<bool> stop{false};
  std::thread control([&] {
    std::string request;
    while (!stop && std::getline(std::cin, request)) {
      if (request.empty()) continue;
      const std::string reply = broker->control(request);
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

namespace {

// What is wrong with a --from or --to, said before anything starts; empty when nothing is.
std::string offset_spec_problem(std::string_view spec) {
  const auto parsed = parse_offset_spec(spec);
  return parsed ? std::string() : parsed.error();
}

std::string time_lookup_problem(std::string_view kind) {
  return kind == "kafka" || kind == "scan" ? "" : "must be kafka or scan";
}

constexpr std::array replay_options{
    command_option{"--from", "SPEC", "the first offsets: beginning | end | N | P:N,P:N… | an RFC 3339 time", true,
                   offset_spec_problem},
    command_option{"--to", "SPEC", "one past the last offsets, as --from (default: end, the high watermarks at start)",
                   false, offset_spec_problem},
    command_option{"--group", "G", "the group that receives the replay's commits (default: <kafka.group_id>.replay)"},
    command_option{"--time-lookup", "kafka|scan",
                   "how a time becomes offsets: the broker's time index, or reading record timestamps (the "
                   "embedded broker has no index; default: kafka)",
                   false, time_lookup_problem},
};

}  // namespace

int replay_main(int argc, char** argv) {
  constexpr command_spec spec{
      command::replay, "replay",
      "usage: broadsheet replay --from SPEC [--to SPEC] [--output-topic T] [--group G]\n"
      "                         [--time-lookup kafka|scan] [options]\n"
      "\n"
      "Reprocesses offsets [from, to) of every partition of the input topic and exits 0 when all\n"
      "of it is acknowledged. SPEC: beginning | end | N | P:N,P:N… | an RFC 3339 time.\n"
      "--to defaults to end (the high watermarks when the replay starts). --group (default\n"
      "<group>.replay) receives the commits, so the live group is untouched. --time-lookup scan\n"
      "reads record timestamps instead of asking the broker's time index (needed for the\n"
      "embedded broker, which has none).\n",
      replay_options};
  auto line = read(spec, argc, argv);
  if (!line) return line.error();
  const auto option = [&](std::string_view flag, std::string fallback) {
    const auto it = line->options.find(flag);
    return it == line->options.end() ? fallback : it->second;
  };
  auto& config = line->config;
  config.group_id = option("--group", config.group_id + ".replay");
  const std::string from = option("--from", ""), to = option("--to", "end");
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
  auto lookup =
      option("--time-lookup", "kafka") == "scan" ? scan_offset_lookup(client->get()) : kafka_offset_lookup(client->get());
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
