#pragma once
// The worker's Prometheus metrics (prometheus-cpp) and the HTTP endpoint that serves them with
// the health checks (civetweb): GET /metrics, /healthz, /readyz on one port.
//
// Every handle is resolved once, here; the hot path only increments or observes. Label values
// are bounded: reasons are the pipeline's error codes, kinds the article kinds, stages a fixed
// list, partitions those of the input topic. `metric_definitions()` lists every metric with its
// type and help, for the README's reference (generated from it, so it cannot drift).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/article.h"

struct mg_connection;  // civetweb
struct mg_context;

namespace broadsheet::worker {

enum class stage { parse, clean, segment, signature, lsh, produce_ack };
inline constexpr std::array<std::string_view, 6> stage_names = {"parse", "clean", "segment", "signature", "lsh",
                                                                 "produce_ack"};

struct metric_definition {
  std::string name, type, help, labels;
};
[[nodiscard]] const std::vector<metric_definition>& metric_definitions();
// The metrics as a Markdown table, for the README (checked against it by a test).
[[nodiscard]] std::string metrics_reference_markdown();

class worker_metrics {
  // First: every handle below is resolved from it (members initialise in declaration order).
  std::shared_ptr<prometheus::Registry> registry_;

 public:
  worker_metrics();
  worker_metrics(const worker_metrics&) = delete;
  worker_metrics& operator=(const worker_metrics&) = delete;

  [[nodiscard]] const std::shared_ptr<prometheus::Registry>& registry() const noexcept { return registry_; }

  prometheus::Counter& pages_consumed;
  prometheus::Counter& pages_processed;
  prometheus::Counter& corrections;
  prometheus::Counter& corrections_missed;
  prometheus::Counter& input_bytes;
  prometheus::Counter& output_bytes;
  prometheus::Counter& commits;
  prometheus::Counter& rebalances;
  prometheus::Counter& restore_records;
  prometheus::Histogram& end_to_end_latency;
  prometheus::Gauge& inflight_pages;
  prometheus::Gauge& inflight_bytes;
  prometheus::Gauge& inflight_bytes_limit;
  prometheus::Gauge& producer_queue;
  prometheus::Gauge& index_articles;
  prometheus::Gauge& index_bytes;
  prometheus::Gauge& index_restored;
  prometheus::Gauge& restore_duration;
  prometheus::Gauge& assigned_partitions;
  prometheus::Gauge& ready;  // worker_status::ready, refreshed at each scrape

  // broadsheet_broker_info{kind} = 1: "kafka" (configured brokers) or "embedded". Once, at start.
  void broker_kind(std::string_view kind);
  void page_failed(std::string_view reason);  // also counts the dead letter; unknown: internal_error
  // An offset commit or a delivery report that failed, by librdkafka's error name
  // (rd_kafka_err2name: REBALANCE_IN_PROGRESS, _MSG_TIMED_OUT, ...), a bounded set. Off the hot
  // path: the series is looked up at each failure and appears with the first failure of its code.
  void commit_failed(std::string_view code) { commit_failures_.Add({{"code", std::string(code)}}).Increment(); }
  void delivery_failed(std::string_view code) { delivery_failures_.Add({{"code", std::string(code)}}).Increment(); }
  void article_published(pipeline::item_kind kind) { articles_[static_cast<std::size_t>(kind)]->Increment(); }
  void duplicate(bool exact) { (exact ? duplicates_exact_ : duplicates_near_).Increment(); }
  void observe(stage s, double seconds) { stages_[static_cast<std::size_t>(s)]->Observe(seconds); }

  // librdkafka's statistics JSON (statistics.interval.ms): consumer lag per partition, in
  // records, and in seconds from the records consumed (record_consumed) as of now_ms.
  void consumer_statistics(std::string_view json, std::int64_t now_ms = wall_clock_ms());
  // broadsheet_group_lag of the topic's partitions 0 .. lag.size() - 1 (group_lag.h).
  void set_group_lag(const std::string& topic, const std::vector<std::int64_t>& lag);
  // A record of the input partition was consumed; timestamp_ms is its timestamp (<= 0: none).
  void record_consumed(std::int32_t partition, std::int64_t timestamp_ms);
  [[nodiscard]] static std::int64_t wall_clock_ms();

  // Called before each scrape, to refresh gauges that are read rather than counted.
  void on_scrape(std::function<void()> refresh);
  // The text exposition of the registry, plus process CPU and resident memory.
  [[nodiscard]] std::string scrape();

 private:
  prometheus::Family<prometheus::Counter>& failed_family_;
  prometheus::Family<prometheus::Counter>& dead_family_;
  prometheus::Family<prometheus::Counter>& commit_failures_;
  prometheus::Family<prometheus::Counter>& delivery_failures_;
  prometheus::Family<prometheus::Gauge>& lag_family_;
  std::mutex lag_mutex_;
  prometheus::Family<prometheus::Gauge>& lag_seconds_family_;
  // Under lag_mutex_: the series by (topic, partition), records and seconds, and the timestamp
  // of the last record consumed from each input partition.
  std::map<std::pair<std::string, std::string>, std::pair<prometheus::Gauge*, prometheus::Gauge*>> lag_series_;
  std::unordered_map<std::int32_t, std::int64_t> last_consumed_ms_;
  std::unordered_map<std::string, std::pair<prometheus::Counter*, prometheus::Counter*>> by_reason_;
  std::array<prometheus::Counter*, 4> articles_{};
  prometheus::Counter& duplicates_exact_;
  prometheus::Counter& duplicates_near_;
  std::array<prometheus::Histogram*, stage_names.size()> stages_{};
  std::mutex scrape_mutex_;
  std::function<void()> refresh_;
};

// The HTTP endpoint. port 0: none.
class http_endpoint {
 public:
  // Server threads, and how long a client may take to send its request (or to read the answer):
  // slow or idle clients hold a thread at most that long, and take the probes' threads only when
  // more than http_threads - 2 of them are connected at once.
  static constexpr int http_threads = 16;
  static constexpr int http_request_timeout_ms = 2000;

  struct health {
    std::function<bool()> live, ready;
  };
  http_endpoint(worker_metrics& metrics, health checks, const std::string& address, int port);
  ~http_endpoint();
  http_endpoint(const http_endpoint&) = delete;
  http_endpoint& operator=(const http_endpoint&) = delete;
  [[nodiscard]] bool running() const noexcept { return context_ != nullptr; }

 private:
  static int serve(mg_connection* conn, void* self);
  worker_metrics& metrics_;
  health checks_;
  std::string wake_address_;  // where a connection wakes the listener (see the destructor)
  int port_;
  mg_context* context_ = nullptr;
};

}  // namespace broadsheet::worker
