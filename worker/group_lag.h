#pragma once
// The consumer group's lag on every partition of the input topic, from the offsets the group
// committed, whichever member holds a partition or none does. Worker-side lag
// (broadsheet_consumer_lag) covers only the partitions a live worker holds: a static member
// within its session timeout, or a partition the group does not assign, is invisible to it.
//
// group_lag_reader owns one thread that asks the brokers every `interval` (OffsetFetch for the
// group, ListOffsets for the watermarks) through the worker's consumer, and sets
// broadsheet_group_lag. Lifecycle: started once the consumer subscribed, stopped (and joined)
// before the consumer closes; the consumer outlives it. The calls it makes are thread-safe in
// librdkafka and never wait on the poll loop.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "worker/kafka.h"

namespace broadsheet::worker {

class worker_metrics;

// Records behind the end of each partition for the group: end less its committed offset, or,
// where it committed none (< 0), end less the low watermark, where auto.offset.reset=earliest
// starts it. `committed` is indexed by partition like `marks`.
[[nodiscard]] std::vector<std::int64_t> group_lag(const std::vector<watermarks>& marks,
                                                  const std::vector<std::int64_t>& committed);

class group_lag_reader {
 public:
  group_lag_reader(rd_kafka_t* consumer, std::string topic, int partitions, worker_metrics& metrics,
                   std::chrono::milliseconds interval);
  ~group_lag_reader();  // stops and joins
  group_lag_reader(const group_lag_reader&) = delete;
  group_lag_reader& operator=(const group_lag_reader&) = delete;

 private:
  void run();
  void read_once();

  rd_kafka_t* consumer_;  // not owned; outlives this
  const std::string topic_;
  const int partitions_;
  worker_metrics& metrics_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // with wake_: a stop ends the wait between two readings at once
  std::condition_variable wake_;
  std::thread thread_;  // last: started once everything above is set
};

}  // namespace broadsheet::worker
