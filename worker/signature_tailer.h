#pragma once
// The signatures reader: restores the dedup index from the signatures topic (read from the
// beginning up to the high watermarks it had at start), then keeps reading what other workers
// publish there, until stopped. It runs on its own thread with its own consumer (no group). A
// record learned changes the index under the sequencer's decisions' mutex, and the corrections it
// brings are handed to the sequencer, published after the pages decided before them: the calls go
// one way, tailer → sequencer.
//
// Lifecycle: start() once, after the producer has the topics' metadata; the worker's stop flag
// set, then join() (or the destructor), before the producer, the sequencer or the decider go.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "pipeline/article_decider.h"
#include "worker/config.h"
#include "worker/kafka.h"
#include "worker/sequencer.h"

namespace broadsheet::worker {

class worker_metrics;

// Which partitions of the signatures topic are still to be read up to the high watermark they
// had at start, for the index to count as restored. Not thread-safe.
class restore_progress {
 public:
  // marks: the topic's watermarks at start, by partition. Without restore, there is nothing to
  // read up to: only what is published from now on.
  restore_progress(const std::vector<watermarks>& marks, bool restore);
  // A record read at offset of partition.
  void read(std::int32_t partition, std::int64_t offset);
  // The end of a partition reached (its EOF event), whatever its watermark said.
  void ended(std::int32_t partition);
  [[nodiscard]] bool done() const noexcept { return remaining_.empty(); }

 private:
  std::map<std::int32_t, std::int64_t> remaining_;  // partition → high watermark not yet reached
};

class signature_tailer {
 public:
  // instance_id: names this process on its own signature records, which it skips. stop: the
  // worker's, which ends the reading; fatal: set when it runs out of memory. close_within: how long
  // its consumer's close may take once the reading ends (the shutdown deadline and a margin).
  // Everything referenced outlives the tailer.
  signature_tailer(const worker_config& config, const std::string& bootstrap, std::string instance_id,
                   pipeline::article_decider& decider, sequencer& sequence, worker_metrics& metrics,
                   const std::atomic<bool>& stop, std::atomic<bool>& fatal,
                   std::chrono::steady_clock::duration close_within);
  ~signature_tailer();
  signature_tailer(const signature_tailer&) = delete;
  signature_tailer& operator=(const signature_tailer&) = delete;

  // Starts the reader's thread. producer: a connected client that knows the topic's leaders,
  // which asks its watermarks. The future is true once the index is restored, false when the
  // reader stopped or failed first; it is always set.
  [[nodiscard]] std::future<bool> start(rd_kafka_t* producer);

  // Wakes the reader's poll at once, rather than after its timeout, and waits for it to end
  // (the stop flag set first).
  void join();

  // A record of the signatures topic: indexed, unless it is this process's own (its decision
  // indexed it already) or unreadable (logged and skipped). Any thread.
  void learn(std::string_view producer_instance, std::string_view bytes, std::int32_t partition, std::int64_t offset);

 private:
  void tail(rd_kafka_t* producer);
  void read(rd_kafka_t* client, rd_kafka_t* producer);

  const worker_config& config_;
  const std::string& bootstrap_;
  const std::string instance_id_;
  pipeline::article_decider& decider_;  // changed under the sequencer's decisions' mutex only
  sequencer& sequence_;
  worker_metrics& metrics_;
  const std::atomic<bool>& stop_;
  std::atomic<bool>& fatal_;
  const std::chrono::steady_clock::duration close_within_;
  std::promise<bool> restored_;  // set by the reader's thread, once
  std::thread thread_;
  // The reader's consumer queue while it reads, for join()'s wake-up; released before the client
  // is closed (rd_kafka_consumer_close can wait forever while a reference to the consumer queue is
  // held: the e2e bench once hung there).
  std::mutex queue_mutex_;
  kafka_queue queue_;  // the reader's consumer queue while it reads (released before its close)
};

}  // namespace broadsheet::worker
