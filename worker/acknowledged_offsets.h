#pragma once
// Where the offsets of acknowledged pages go, from the offset tracker: stored in the consumer for
// its next commit (at-least-once), or kept for the transaction, which commits them with its
// records (exactly-once). The consumer is reached through offset_store: librdkafka's
// (kafka_offset_store) in the worker, a fake in tests. Not thread-safe: the poll loop's thread
// (and the rebalance and commit callbacks it serves) only.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "worker/offset_tracker.h"

namespace broadsheet::worker {

// What acknowledged_offsets needs of a consumer.
class offset_store {
 public:
  virtual ~offset_store() = default;
  // Stores each partition's offset for the consumer's next commit. librdkafka's error.
  [[nodiscard]] virtual rd_kafka_resp_err_t store(const std::vector<offset_tracker::commit_point>& points) = 0;
};

// The consumer's rd_kafka_offsets_store on topic; the consumer outlives the result.
[[nodiscard]] std::unique_ptr<offset_store> kafka_offset_store(rd_kafka_t* consumer, std::string topic);

class acknowledged_offsets {
 public:
  // The tracker outlives this.
  acknowledged_offsets(offset_tracker& tracker, std::unique_ptr<offset_store> store, bool exactly_once);

  // Takes the offsets past each partition's newly acknowledged pages: stored, or in exactly-once
  // mode kept for the transaction.
  void advance();

  // Exactly-once: the offsets to commit with the transaction, by partition.
  [[nodiscard]] const std::map<std::int32_t, std::int64_t>& transaction() const noexcept { return transaction_; }
  // The transaction was committed or aborted: its offsets are forgotten.
  void transaction_ended() noexcept { transaction_.clear(); }

 private:
  offset_tracker& tracker_;
  const std::unique_ptr<offset_store> store_;
  const bool exactly_once_;
  std::map<std::int32_t, std::int64_t> transaction_;
};

}  // namespace broadsheet::worker
