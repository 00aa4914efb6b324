#pragma once
// The Kafka worker: consumes page records, runs the pipeline on a pool of threads, decides
// near-duplicates against an index shared through the signatures topic, and produces articles,
// corrections, signatures and dead letters, acknowledging a page upstream (storing its offset, or
// sending it to the transaction) only when all it produced is delivered.
//
//   poll loop (one thread) ── dispatch ──► pool (parse, clean, segment, sign)
//        ▲   delivery reports                     │ in offset order, per partition
//        │                                         ▼
//   offset_tracker ◄── acknowledged ── sequencer (decide, produce) ◄── signatures tailer
//
// Each part has its own file and tests: page_pool.h, page_processing.h (the pool's work),
// sequencer.h, page_publishing.h (the sequencer's decide and publish steps), publisher.h
// (producing, dead letters, delivery reports), acknowledged_offsets.h, signature_tailer.h,
// page_guard.h (what an exception in a step becomes), transactions.h (exactly-once), shutdown.h
// (the stop, its deadline and exit status), rebalance.h, backpressure.h, clients.h (the Kafka
// clients and their callbacks, commits). ingest.cpp holds the poll loop and the shutdown's steps,
// and wires the parts together.
//
// Nothing thrown by the pipeline crosses the poll loop: a page that fails in any way becomes a
// dead letter. A record that still fails after its delivery attempts stops the worker without
// acknowledging its page (exit status 1), so that the next run processes it again.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "worker/config.h"
#include "worker/fault_probe.h"

namespace broadsheet::worker {

class worker_metrics;

// Offsets [start, end) of each partition, for replay.
using offset_range = std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>>;

struct worker_status {
  std::atomic<bool> ready{false};      // index restored, partitions assigned, not draining
  std::atomic<bool> restored{false};   // the signatures topic was read up to its high watermarks
  std::atomic<std::int64_t> last_poll_ms{0};  // steady-clock time of the last poll loop turn
  std::atomic<int> assigned{0};        // input partitions assigned
  std::atomic<bool> producer_connected{false};  // the producer fetched the output topic's metadata

  // Liveness: the poll loop turned within the last `stall_ms`.
  [[nodiscard]] bool live(std::int64_t now_ms, std::int64_t stall_ms = 30000) const noexcept {
    return now_ms - last_poll_ms.load() < stall_ms;
  }
};

class ingest_worker {
 public:
  // metrics may be null (then the worker keeps its own, unexposed).
  ingest_worker(worker_config config, std::string bootstrap, worker_metrics* metrics = nullptr, fault_probe probe = {});
  ~ingest_worker();
  ingest_worker(const ingest_worker&) = delete;
  ingest_worker& operator=(const ingest_worker&) = delete;

  // As a member of the consumer group, until stop(). Exit status: 0 after a graceful stop, 1 on
  // a fatal error (a client could not be created, a record could not be delivered) or when the
  // shutdown deadline passed with pages not acknowledged (their records purged, their offsets not
  // committed). Returns within the deadline plus a second of a stop.
  int run_group();

  // Processes the given offsets of the input topic (no group subscription; offsets are committed
  // to the configured group) and returns 0 when all of them are acknowledged.
  int run_range(const offset_range& range);

  // Graceful stop: readiness off, stop fetching, finish and flush in-flight pages until the
  // shutdown deadline, commit. Async-signal-safe (it only sets an atomic flag).
  void stop() noexcept;

  [[nodiscard]] const worker_status& status() const noexcept;

  // Milliseconds of the steady clock, as in worker_status::last_poll_ms.
  [[nodiscard]] static std::int64_t steady_now_ms() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace broadsheet::worker
