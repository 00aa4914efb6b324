#include "worker/metrics.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <future>
#include <memory>

#include <civetweb.h>
#include <netdb.h>
#include <prometheus/text_serializer.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pipeline/result.h"
#include "pipeline/version.h"
#include "worker/reject_reason.h"

namespace broadsheet::worker {

namespace {

using prometheus::Histogram;

// Latency buckets from 50 µs to 60 s: stages take microseconds, acknowledgements take seconds.
Histogram::BucketBoundaries latency_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,     0.25,   0.5,     1,      2.5,   5,      10,    30,   60};
}

// End-to-end latency: the stage buckets, then minutes to two hours. A backlog (a stopped group,
// a replay, a burst) puts pages minutes to hours behind; with 60 s as the last bucket every
// quantile of such a time read 60 s.
Histogram::BucketBoundaries end_to_end_buckets() {
  auto buckets = latency_buckets();
  buckets.insert(buckets.end(), {120, 300, 600, 1200, 1800, 3600, 7200});
  return buckets;
}

const metric_definition& def(std::string_view name) {
  for (const auto& d : metric_definitions())
    if (d.name == name) return d;
  std::abort();  // a name missing from the table is a programming error caught by every test
}

template <class T>
prometheus::Family<T>& family(prometheus::Registry& r, std::string_view name) {
  const auto& d = def(name);
  if constexpr (std::is_same_v<T, prometheus::Counter>) return prometheus::BuildCounter().Name(d.name).Help(d.help).Register(r);
  else if constexpr (std::is_same_v<T, prometheus::Gauge>) return prometheus::BuildGauge().Name(d.name).Help(d.help).Register(r);
  else return prometheus::BuildHistogram().Name(d.name).Help(d.help).Register(r);
}

prometheus::Counter& counter(prometheus::Registry& r, std::string_view name) {
  return family<prometheus::Counter>(r, name).Add({});
}
prometheus::Gauge& gauge(prometheus::Registry& r, std::string_view name) {
  return family<prometheus::Gauge>(r, name).Add({});
}

// CPU seconds and resident bytes of this process, from /proc.
std::string process_metrics() {
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  std::istringstream fields(close == std::string::npos ? std::string() : line.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0, start_ticks = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
    if (i == 22) { start_ticks = std::stod(field); break; }
  }
  std::ifstream proc_stat("/proc/stat");
  double boot_time = 0;
  for (std::string key; proc_stat >> key;) {
    if (key == "btime") { proc_stat >> boot_time; break; }
  }
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, resident = 0;
  statm >> pages_total >> resident;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double rss = static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
  char out[768];
  std::snprintf(out, sizeof out,
                "# HELP process_cpu_seconds_total User and system CPU time of the process.\n"
                "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n"
                "# HELP process_resident_memory_bytes Resident memory of the process.\n"
                "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %.0f\n"
                "# HELP process_start_time_seconds Start time of the process since the epoch.\n"
                "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.0f\n",
                (utime + stime) / ticks, rss, boot_time + start_ticks / ticks);
  return out;
}

// Where a connection reaches a listener on `address`: loopback for every address of the host.
std::string loopback_if_any(const std::string& address) {
  if (address == "0.0.0.0" || address.empty()) return "127.0.0.1";
  if (address == "::" || address == "[::]") return "::1";
  return address;
}

// Opens and closes a connection to address:port (a numeric IPv4 or IPv6 address), not waiting
// for it to be accepted.
void knock(const std::string& address, int port) {
  const std::string host =
      address.starts_with('[') && address.ends_with(']') ? address.substr(1, address.size() - 2) : address;
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return;
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)::connect(fd, found->ai_addr, found->ai_addrlen);
  ::close(fd);
}

}  // namespace

const std::vector<metric_definition>& metric_definitions() {
  static const std::vector<metric_definition> defs = {
      {"broadsheet_build_info", "gauge", "Always 1; the labels say what runs.", "version, pipeline_version"},
      {"broadsheet_pages_consumed_total", "counter", "Page records consumed from the input topic.", ""},
      {"broadsheet_pages_processed_total", "counter", "Pages turned into articles.", ""},
      {"broadsheet_pages_failed_total", "counter", "Pages rejected, by reason (the pipeline's error code, internal_error, article_too_large or tombstone).", "reason"},
      {"broadsheet_articles_published_total", "counter", "Articles produced (first revisions), by kind.", "kind"},
      {"broadsheet_corrections_total", "counter", "Corrections produced: an article again with revision + 1.", ""},
      {"broadsheet_corrections_missed_total", "counter", "Corrections of articles this worker does not hold: published by another worker (which corrects them), or by this one before its start or beyond its cache (a replay corrects them).", ""},
      {"broadsheet_duplicates_total", "counter", "Articles decided as duplicates, by match (exact: estimated similarity 1).", "match"},
      {"broadsheet_dead_letters_total", "counter", "Records produced to the dead-letter topic, by reason.", "reason"},
      {"broadsheet_input_bytes_total", "counter", "Bytes of page records consumed (key and value).", ""},
      {"broadsheet_output_bytes_total", "counter", "Bytes of records produced (key and value, all topics).", ""},
      {"broadsheet_stage_duration_seconds", "histogram", "Seconds per page in each stage; produce_ack is from the first produce to the last acknowledgement.", "stage"},
      {"broadsheet_end_to_end_latency_seconds", "histogram", "Seconds from a page record's timestamp to the acknowledgement of all it produced; buckets up to 7200 s.", ""},
      {"broadsheet_broker_info", "gauge", "Always 1; kind says which brokers the worker uses: kafka (kafka.brokers) or embedded (the in-process test broker, started when kafka.brokers is empty).", "kind"},
      {"broadsheet_consumer_lag", "gauge", "Records behind the end (the last stable offset: read_committed), per assigned input partition, from librdkafka statistics: the end less the position consumed or committed; with neither, less the next offset to fetch or the low watermark; 0 until the partition's offsets are known. Every assigned partition has a series.", "topic, partition"},
      {"broadsheet_group_lag", "gauge", "Records behind the end of every partition of the input topic for the consumer group, from its committed offsets (from the low watermark where it committed none), whether a live member holds the partition or not; every worker asks the brokers every 30 s and reports every partition: take the largest per partition.", "topic, partition"},
      {"broadsheet_consumer_lag_seconds", "gauge", "Seconds behind, per assigned input partition: the age of the last record consumed (its timestamp to now) while records remain behind it, 0 when none do; absent until a record with a timestamp is consumed.", "topic, partition"},
      {"broadsheet_inflight_pages", "gauge", "Pages consumed and not yet acknowledged.", ""},
      {"broadsheet_inflight_bytes", "gauge", "Bytes of pages consumed and not yet acknowledged.", ""},
      {"broadsheet_inflight_bytes_limit", "gauge", "The in-flight bound: consumption pauses above it.", ""},
      {"broadsheet_producer_queue_messages", "gauge", "Records in the producer's queue, not yet acknowledged.", ""},
      {"broadsheet_index_articles", "gauge", "Articles held in the near-duplicate index.", ""},
      {"broadsheet_index_bytes", "gauge", "Memory of the near-duplicate index.", ""},
      {"broadsheet_index_restored", "gauge", "1 once the index is rebuilt from the signatures topic (at once when dedup is off: nothing to restore).", ""},
      {"broadsheet_index_restore_duration_seconds", "gauge", "Seconds the last index rebuild took.", ""},
      {"broadsheet_index_restore_records_total", "counter", "Signature records read from the signatures topic.", ""},
      {"broadsheet_commits_total", "counter", "Synchronous offset commits (rebalance, shutdown) and automatic ones reported.", ""},
      {"broadsheet_commit_failures_total", "counter", "Offset commits that failed (in exactly-once mode: transactions aborted), by code: librdkafka's error name (REBALANCE_IN_PROGRESS, _TIMED_OUT, ...); a code's series appears with its first failure.", "code"},
      {"broadsheet_rebalances_total", "counter", "Partition assignments and revocations.", ""},
      {"broadsheet_assigned_partitions", "gauge", "Input partitions assigned to this worker.", ""},
      {"broadsheet_ready", "gauge", "1 while /readyz answers 200 (index restored, topics reached, partitions assigned, not stopping), else 0; read at each scrape.", ""},
      {"broadsheet_delivery_failures_total", "counter", "Failed delivery reports (each retried up to delivery_attempts), by code: librdkafka's error name (_MSG_TIMED_OUT, TOPIC_AUTHORIZATION_FAILED, ...); a code's series appears with its first failure.", "code"},
  };
  return defs;
}

std::string metrics_reference_markdown() {
  std::string out = "| metric | type | labels | meaning |\n|---|---|---|---|\n";
  for (const auto& d : metric_definitions())
    out += "| `" + d.name + "` | " + d.type + " | " + d.labels + " | " + d.help + " |\n";
  out += "| `process_cpu_seconds_total` | counter | | CPU time of the process. |\n";
  out += "| `process_resident_memory_bytes` | gauge | | Resident memory of the process. |\n";
  out += "| `process_start_time_seconds` | gauge | | Start time of the process since the epoch (restarts). |\n";
  return out;
}

worker_metrics::worker_metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      pages_consumed(counter(*registry_, "broadsheet_pages_consumed_total")),
      pages_processed(counter(*registry_, "broadsheet_pages_processed_total")),
      corrections(counter(*registry_, "broadsheet_corrections_total")),
      corrections_missed(counter(*registry_, "broadsheet_corrections_missed_total")),
      input_bytes(counter(*registry_, "broadsheet_input_bytes_total")),
      output_bytes(counter(*registry_, "broadsheet_output_bytes_total")),
      commits(counter(*registry_, "broadsheet_commits_total")),
      rebalances(counter(*registry_, "broadsheet_rebalances_total")),
      restore_records(counter(*registry_, "broadsheet_index_restore_records_total")),
      end_to_end_latency(
          family<Histogram>(*registry_, "broadsheet_end_to_end_latency_seconds").Add({}, end_to_end_buckets())),
      inflight_pages(gauge(*registry_, "broadsheet_inflight_pages")),
      inflight_bytes(gauge(*registry_, "broadsheet_inflight_bytes")),
      inflight_bytes_limit(gauge(*registry_, "broadsheet_inflight_bytes_limit")),
      producer_queue(gauge(*registry_, "broadsheet_producer_queue_messages")),
      index_articles(gauge(*registry_, "broadsheet_index_articles")),
      index_bytes(gauge(*registry_, "broadsheet_index_bytes")),
      index_restored(gauge(*registry_, "broadsheet_index_restored")),
      restore_duration(gauge(*registry_, "broadsheet_index_restore_duration_seconds")),
      assigned_partitions(gauge(*registry_, "broadsheet_assigned_partitions")),
      ready(gauge(*registry_, "broadsheet_ready")),
      failed_family_(family<prometheus::Counter>(*registry_, "broadsheet_pages_failed_total")),
      dead_family_(family<prometheus::Counter>(*registry_, "broadsheet_dead_letters_total")),
      commit_failures_(family<prometheus::Counter>(*registry_, "broadsheet_commit_failures_total")),
      delivery_failures_(family<prometheus::Counter>(*registry_, "broadsheet_delivery_failures_total")),
      lag_family_(family<prometheus::Gauge>(*registry_, "broadsheet_consumer_lag")),
      lag_seconds_family_(family<prometheus::Gauge>(*registry_, "broadsheet_consumer_lag_seconds")),
      duplicates_exact_(family<prometheus::Counter>(*registry_, "broadsheet_duplicates_total").Add({{"match", "exact"}})),
      duplicates_near_(family<prometheus::Counter>(*registry_, "broadsheet_duplicates_total").Add({{"match", "near"}})) {
  family<prometheus::Gauge>(*registry_, "broadsheet_build_info")
      .Add({{"version", BROADSHEET_VERSION}, {"pipeline_version", std::string(pipeline::pipeline_version)}})
      .Set(1);
  std::vector<std::string> reasons(worker_reason_names.begin(), worker_reason_names.end());
  for (const auto name : pipeline::error_names) reasons.emplace_back(name);
  for (const auto& r : reasons)
    by_reason_[r] = {&failed_family_.Add({{"reason", r}}), &dead_family_.Add({{"reason", r}})};
  for (const auto kind : {pipeline::item_kind::article, pipeline::item_kind::photo, pipeline::item_kind::notice,
                          pipeline::item_kind::fragment})
    articles_[static_cast<std::size_t>(kind)] =
        &family<prometheus::Counter>(*registry_, "broadsheet_articles_published_total")
             .Add({{"kind", std::string(pipeline::to_string(kind))}});
  auto& stages = family<Histogram>(*registry_, "broadsheet_stage_duration_seconds");
  for (std::size_t i = 0; i < stage_names.size(); ++i)
    stages_[i] = &stages.Add({{"stage", std::string(stage_names[i])}}, latency_buckets());
}

void worker_metrics::broker_kind(std::string_view kind) {
  family<prometheus::Gauge>(*registry_, "broadsheet_broker_info").Add({{"kind", std::string(kind)}}).Set(1);
}

void worker_metrics::set_group_lag(const std::string& topic, const std::vector<std::int64_t>& lag) {
  auto& series = family<prometheus::Gauge>(*registry_, "broadsheet_group_lag");
  for (std::size_t p = 0; p < lag.size(); ++p)
    series.Add({{"topic", topic}, {"partition", std::to_string(p)}}).Set(static_cast<double>(lag[p]));
}

void worker_metrics::page_failed(std::string_view reason) {
  auto it = by_reason_.find(std::string(reason));
  if (it == by_reason_.end()) it = by_reason_.find(std::string(worker_reason_names[0]));
  it->second.first->Increment();
  it->second.second->Increment();
}

namespace {

// The partition number of a statistics key ("3"), -1 when it is not one.
std::int32_t partition_number(std::string_view key) {
  std::int32_t number = -1;
  std::from_chars(key.data(), key.data() + key.size(), number);
  return number;
}

// An offset field of a partition's statistics, -1 when absent or not an offset (librdkafka
// writes -1001, RD_KAFKA_OFFSET_INVALID, for one it does not know).
std::int64_t offset_field(simdjson::dom::element partition, std::string_view name) {
  std::int64_t offset = -1;
  if (partition[name].get(offset) != simdjson::SUCCESS || offset < 0) return -1;
  return offset;
}

// Records behind the end of an assigned partition. librdkafka's consumer_lag is -1 until a
// record is consumed or an offset committed (a fresh or empty partition): then the end less the
// next offset to fetch, or less the low watermark (auto.offset.reset=earliest starts there); 0
// while the end is not known yet (the first fetch answers within one statistics interval).
std::int64_t partition_lag(simdjson::dom::element partition) {
  std::int64_t lag = -1;
  if (partition["consumer_lag"].get(lag) == simdjson::SUCCESS && lag >= 0) return lag;
  std::int64_t end = offset_field(partition, "ls_offset");  // read_committed: the last stable offset
  if (end < 0) end = offset_field(partition, "hi_offset");
  std::int64_t from = offset_field(partition, "next_offset");
  if (from < 0) from = offset_field(partition, "lo_offset");
  if (end < 0 || from < 0) return 0;
  return std::max<std::int64_t>(0, end - from);
}

}  // namespace

std::int64_t worker_metrics::wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void worker_metrics::record_consumed(std::int32_t partition, std::int64_t timestamp_ms) {
  if (timestamp_ms <= 0) return;
  const std::lock_guard lock(lag_mutex_);
  last_consumed_ms_[partition] = timestamp_ms;
}

void worker_metrics::consumer_statistics(std::string_view json, std::int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return;
  simdjson::dom::object topics;
  if (root["topics"].get(topics) != simdjson::SUCCESS) return;
  // Every report lists the partitions the consumer has now; a series for a partition it no
  // longer has (revoked, or lost) is removed rather than left at its last value.
  // The seconds: the age of the last record consumed, while records remain behind it. A worker
  // that stops consuming (paused, stuck) ages with the clock; one caught up is at 0.
  const std::lock_guard lock(lag_mutex_);
  std::map<std::pair<std::string, std::string>, std::pair<prometheus::Gauge*, prometheus::Gauge*>> current;
  for (const auto [topic, t] : topics) {
    simdjson::dom::object partitions;
    if (t["partitions"].get(partitions) != simdjson::SUCCESS) continue;
    for (const auto [partition, p] : partitions) {
      if (partition == "-1") continue;  // librdkafka's internal unassigned partition
      bool desired = true;  // assigned to this consumer; false once revoked
      if (p["desired"].get(desired) == simdjson::SUCCESS && !desired) continue;
      const std::int64_t lag = partition_lag(p);
      const std::map<std::string, std::string> labels = {{"topic", std::string(topic)},
                                                         {"partition", std::string(partition)}};
      auto& records = lag_family_.Add(labels);
      records.Set(static_cast<double>(lag));
      prometheus::Gauge* seconds = nullptr;
      if (const auto it = last_consumed_ms_.find(partition_number(partition)); it != last_consumed_ms_.end()) {
        seconds = &lag_seconds_family_.Add(labels);
        seconds->Set(lag == 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(0, now_ms - it->second)) / 1000);
      }
      current.emplace(std::pair{std::string(topic), std::string(partition)}, std::pair{&records, seconds});
    }
  }
  for (const auto& [labels, series] : lag_series_) {
    if (current.contains(labels)) continue;  // a partition keeps its seconds once it has them
    lag_family_.Remove(series.first);
    if (series.second != nullptr) lag_seconds_family_.Remove(series.second);
    // Gone (revoked or lost): when it comes back, its age starts from its next record.
    last_consumed_ms_.erase(partition_number(labels.second));
  }
  lag_series_ = std::move(current);
}

void worker_metrics::on_scrape(std::function<void()> refresh) {
  const std::lock_guard lock(scrape_mutex_);
  refresh_ = std::move(refresh);
}

std::string worker_metrics::scrape() {
  {
    const std::lock_guard lock(scrape_mutex_);
    if (refresh_) refresh_();
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect()) + process_metrics();
}

http_endpoint::http_endpoint(worker_metrics& metrics, health checks, const std::string& address, int port)
    : metrics_(metrics), checks_(std::move(checks)), wake_address_(loopback_if_any(address)), port_(port) {
  if (port == 0) return;
  mg_init_library(0);
  const std::string listen = address + ":" + std::to_string(port);
  // A connection holds a server thread from its accept until its request is read or it times
  // out: with civetweb's 30 s request timeout and 2 threads, two idle connections kept /healthz
  // waiting for 30 s and the liveness probe restarted the pod (issue 14, item 3). Enough threads
  // for a handful of idle or slow clients beside the probes and the scraper, and a request
  // timeout of a couple of seconds (a probe, a scrape send their request at once).
  const std::string threads = std::to_string(http_threads);
  const std::string timeout = std::to_string(http_request_timeout_ms);
  const char* options[] = {"listening_ports",    listen.c_str(),  "num_threads", threads.c_str(),
                           "request_timeout_ms", timeout.c_str(), nullptr};
  mg_callbacks callbacks{};
  context_ = mg_start(&callbacks, nullptr, options);
  if (context_ == nullptr) return;
  for (const char* path : {"/metrics", "/healthz", "/readyz"}) mg_set_request_handler(context_, path, &serve, this);
}

// civetweb's listener looks at its stop flag between waits for a connection of up to 2 s: while
// mg_stop waits for it, a connection every 10 ms wakes it, so that the stop takes milliseconds
// (the worker's exit is bounded by its shutdown deadline).
http_endpoint::~http_endpoint() {
  if (context_ == nullptr) return;
  const auto stopped = std::async(std::launch::async, [this] { mg_stop(context_); });
  while (stopped.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready) knock(wake_address_, port_);
}

int http_endpoint::serve(mg_connection* conn, void* data) {
  auto& self = *static_cast<http_endpoint*>(data);
  const std::string_view uri = mg_get_request_info(conn)->local_uri;
  int status = 200;
  std::string body;
  const char* type = "text/plain; charset=utf-8";
  if (uri == "/metrics") {
    body = self.metrics_.scrape();
    type = "text/plain; version=0.0.4; charset=utf-8";
  } else {
    const bool ok = uri == "/healthz" ? self.checks_.live() : self.checks_.ready();
    status = ok ? 200 : 503;
    body = ok ? "ok\n" : "not ready\n";
  }
  mg_printf(conn, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
            status == 200 ? "OK" : "Service Unavailable", type, body.size());
  mg_write(conn, body.data(), body.size());
  return status;
}

}  // namespace broadsheet::worker
