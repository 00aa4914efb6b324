#pragma once
// Exactly-once mode: the worker's Kafka transactions. One is always open while the poll loop
// runs. At each barrier (commit()) everything consumed so far is produced and acknowledged, then
// its offsets and its records are committed atomically, and the next transaction begins. On any
// error (a call that fails, a record whose delivery fails, partitions lost, pages not acknowledged
// by the deadline) the transaction aborts and every assigned partition rewinds to its committed
// offset, so that the same pages are processed again; stopping, it aborts without a rewind (the
// next start reads from the committed offsets). A fatal error of the producer stops the worker.
//
// The clients are reached through transaction_client: librdkafka's transactional producer and
// the consumer (kafka_transaction_client) in the worker, a fake in tests. Blocking calls are made
// in slices of wait_slice_ms, so that a stop is seen.
//
// Thread rules: abort_for() and abort_pending() from any thread (a delivery report is served by
// the poll loop or by the thread publishing); everything else on the poll loop's thread (and in
// the rebalance callback it serves).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "worker/kafka.h"
#include "worker/shutdown.h"

namespace broadsheet::worker {

class acknowledged_offsets;
class offset_tracker;
class worker_metrics;

// What a transactional call returned: nothing wrong (code NO_ERROR), or librdkafka's error.
struct txn_outcome {
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  bool retriable = false;  // calling again may succeed (a call that timed out resumes)
  bool fatal = false;      // the producer cannot go on
  std::string message;
  [[nodiscard]] bool ok() const noexcept { return code == RD_KAFKA_RESP_ERR_NO_ERROR; }
  // librdkafka's error, consumed (none: ok).
  [[nodiscard]] static txn_outcome of(kafka_error error);
};

// A partition of the input topic at an offset.
struct partition_offset {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// What the transactions need of the producer and the consumer.
class transaction_client {
 public:
  virtual ~transaction_client() = default;
  virtual txn_outcome init(int timeout_ms) = 0;
  virtual txn_outcome begin() = 0;
  // The input topic's offsets, by partition, into the transaction, for the consumer's group.
  virtual txn_outcome send_offsets(const std::map<std::int32_t, std::int64_t>& offsets, int timeout_ms) = 0;
  virtual txn_outcome commit(int timeout_ms) = 0;
  virtual txn_outcome abort(int timeout_ms) = 0;
  // The consumer's assignment, each partition with its committed offset (negative: none), asked
  // until timeout_ms or `stop`; nothing when the assignment cannot be read.
  virtual std::optional<std::vector<partition_offset>> committed(int timeout_ms, const std::atomic<bool>& stop) = 0;
  // The consumer's next fetch of each partition from its offset. An error's text, or empty.
  virtual std::string seek(const std::vector<partition_offset>& to, int timeout_ms) = 0;
};

// librdkafka's transactional producer and the consumer of `input_topic`; both outlive the result.
[[nodiscard]] std::unique_ptr<transaction_client> kafka_transaction_client(rd_kafka_t* producer, rd_kafka_t* consumer,
                                                                           std::string input_topic);

class transactions {
 public:
  // How long a transactional call may take outside the shutdown (its deadline then).
  static constexpr auto call_timeout = std::chrono::milliseconds(30000);
  // The shortest time between two barriers of the poll loop.
  static constexpr auto barrier_interval = std::chrono::milliseconds(100);

  // Drains the pages in flight until a deadline: true when none is left (ingest's drain).
  using drain_function = std::function<bool(shutdown_control::time_point)>;

  // Everything but the client outlives this. fatal: the worker's flag, set on a fatal error.
  transactions(std::unique_ptr<transaction_client> client, shutdown_control& stop, acknowledged_offsets& offsets,
               offset_tracker& tracker, worker_metrics& metrics, std::atomic<bool>& fatal, drain_function drain);

  // Initialises the producer's transactions (once, before the first begin()). False when it
  // failed or a stop interrupted it.
  bool init();
  // Begins a transaction. False when it failed.
  bool begin();

  // The barrier: drained by `deadline`, the acknowledged offsets sent and the transaction
  // committed, the next begun; else aborted (and, unless stopping, rewound).
  void commit(shutdown_control::time_point deadline);

  // The poll loop's barrier is due: barrier_interval since the transaction began, with something
  // to commit or an abort pending.
  [[nodiscard]] bool due(bool pages_in_flight) const;

  // The transaction must abort at the next barrier: a record failed in it with `err`.
  void abort_for(rd_kafka_resp_err_t err) noexcept;
  // The transaction must abort at the next barrier: it holds pages of partitions lost to another
  // member (once they are unassigned).
  void partitions_lost() noexcept { abort_ = true; }
  [[nodiscard]] bool abort_pending() const noexcept { return abort_; }

 private:
  void abort_and_rewind();
  bool ok(const txn_outcome& outcome, const char* what);
  // call(timeout_ms) in slices until it succeeds or fails for good, call_timeout passes (while
  // stopping: the deadline), or a stop interrupts it. True when it succeeded.
  bool call(const char* what, const std::function<txn_outcome(int)>& attempt);

  const std::unique_ptr<transaction_client> client_;
  shutdown_control& stop_;
  acknowledged_offsets& offsets_;
  offset_tracker& tracker_;
  worker_metrics& metrics_;
  std::atomic<bool>& fatal_;
  const drain_function drain_;
  std::atomic<bool> abort_{false};
  // The last error of the transaction (a call or a delivery), the code of its abort.
  std::atomic<rd_kafka_resp_err_t> error_{RD_KAFKA_RESP_ERR_NO_ERROR};
  shutdown_control::time_point started_{};  // when the transaction began
};

}  // namespace broadsheet::worker
