#pragma once
// Backpressure: consumption pauses (every assigned partition) while the bytes of the pages in
// flight are over worker.max_inflight_bytes, and resumes once they are under half of it.
//
// The consumer is reached through consumer_partitions, which rebalances (rebalance.h) use too:
// librdkafka's (kafka_consumer_partitions) in the worker, a fake in tests. Not thread-safe: the
// poll loop's thread (and the rebalance callbacks it serves).

#include <cstddef>
#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>

#include "worker/kafka.h"

namespace broadsheet::worker {

// What backpressure and rebalances need of the consumer.
class consumer_partitions {
 public:
  virtual ~consumer_partitions() = default;
  // The partitions assigned, or null when the assignment cannot be read.
  [[nodiscard]] virtual partition_list assignment() = 0;
  virtual void pause(rd_kafka_topic_partition_list_t* partitions) = 0;
  virtual void resume(rd_kafka_topic_partition_list_t* partitions) = 0;
  // Incremental (cooperative) assign and unassign. The error's text, or empty.
  [[nodiscard]] virtual std::string assign(rd_kafka_topic_partition_list_t* partitions) = 0;
  [[nodiscard]] virtual std::string unassign(rd_kafka_topic_partition_list_t* partitions) = 0;
  // The partitions being revoked were lost (another member owns them already), not handed over.
  [[nodiscard]] virtual bool assignment_lost() = 0;
};

// The consumer's, which outlives the result.
[[nodiscard]] std::unique_ptr<consumer_partitions> kafka_consumer_partitions(rd_kafka_t* consumer);

class backpressure {
 public:
  explicit backpressure(std::size_t limit_bytes) : limit_(limit_bytes) {}

  // Pauses or resumes the assigned partitions as the bytes in flight now ask. When the assignment
  // cannot be read, nothing changes (the next turn tries again).
  void apply(consumer_partitions& consumer, std::size_t bytes_in_flight);

  // Consumption is paused: partitions assigned meanwhile are paused too.
  [[nodiscard]] bool paused() const noexcept { return paused_; }

 private:
  const std::size_t limit_;
  bool paused_ = false;
};

}  // namespace broadsheet::worker
