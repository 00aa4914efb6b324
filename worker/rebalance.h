#pragma once
// What the consumer group's rebalances do to this worker (cooperative, incremental):
//  - partitions assigned: counted, assigned, and paused when backpressure has paused
//    consumption (librdkafka keeps a pause across unassign and assign, so a partition paused
//    when it was lost would otherwise come back paused, or never be read again);
//  - partitions revoked or lost: what shutdown_control::revocation says (finish their pages and
//    commit, within bounds below the session timeout; commit or abort the transaction; nothing
//    while closing), then their pages are forgotten, and they are unassigned.
//
// Called from librdkafka's rebalance callback, on the poll loop's thread (in a consumer poll or
// the consumer's close); not thread-safe.

#include <atomic>
#include <functional>
#include <string>

#include <librdkafka/rdkafka.h>

#include "worker/backpressure.h"
#include "worker/shutdown.h"

namespace broadsheet::worker {

class offset_tracker;
class worker_metrics;

// The worker's steps a revocation takes, as shutdown_control::revocation decides.
struct revocation_steps {
  // Serves delivery reports until no page of the partitions is in flight, or the deadline: true
  // when none is left.
  std::function<bool(const rd_kafka_topic_partition_list_t*, shutdown_control::time_point)> drain;
  // Commits the stored offsets, waiting for the answer until the time given.
  std::function<void(shutdown_control::time_point)> commit_offsets;
  // Exactly-once: the transaction's barrier by the deadline given, or its abort at the next one.
  std::function<void(shutdown_control::time_point)> commit_transaction;
  std::function<void()> abort_transaction;
};

class rebalance_handler {
 public:
  // assigned: the worker's count of assigned partitions (worker_status::assigned). Everything
  // referred to outlives this.
  rebalance_handler(std::string input_topic, bool exactly_once, const shutdown_control& stop, offset_tracker& tracker,
                    std::atomic<int>& assigned, worker_metrics& metrics, const backpressure& flow,
                    revocation_steps steps);

  // A rebalance event: err is RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS or __REVOKE_PARTITIONS.
  void on(consumer_partitions& consumer, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);

  // It owned partitions at some point.
  [[nodiscard]] bool ever_assigned() const noexcept { return ever_assigned_; }

 private:
  const std::string input_topic_;
  const bool exactly_once_;
  const shutdown_control& stop_;
  offset_tracker& tracker_;
  std::atomic<int>& assigned_;
  worker_metrics& metrics_;
  const backpressure& flow_;
  const revocation_steps steps_;
  bool ever_assigned_ = false;
};

}  // namespace broadsheet::worker
