#include "worker/rebalance.h"

#include <spdlog/spdlog.h>

#include "worker/metrics.h"
#include "worker/offset_tracker.h"

namespace broadsheet::worker {

rebalance_handler::rebalance_handler(std::string input_topic, bool exactly_once, const shutdown_control& stop,
                                     offset_tracker& tracker, std::atomic<int>& assigned, worker_metrics& metrics,
                                     const backpressure& flow, revocation_steps steps)
    : input_topic_(std::move(input_topic)),
      exactly_once_(exactly_once),
      stop_(stop),
      tracker_(tracker),
      assigned_(assigned),
      metrics_(metrics),
      flow_(flow),
      steps_(std::move(steps)) {}

void rebalance_handler::on(consumer_partitions& consumer, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions) {
  metrics_.rebalances.Increment();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    spdlog::info("assigned {} partition(s) of {}", partitions->cnt, input_topic_);
    assigned_ += partitions->cnt;
    ever_assigned_ = ever_assigned_ || partitions->cnt > 0;
    if (const auto error = consumer.assign(partitions); !error.empty()) spdlog::error("assign failed: {}", error);
    // librdkafka keeps an application's pause on a partition across unassign and assign: one
    // paused here before it was lost would come back paused and never be read again.
    if (flow_.paused())
      consumer.pause(partitions);
    else
      consumer.resume(partitions);
    return;
  }
  const bool lost = consumer.assignment_lost();
  spdlog::info("{} {} partition(s) of {}", lost ? "lost" : "revoked", partitions->cnt, input_topic_);
  switch (stop_.revocation(lost, exactly_once_)) {
    case revocation_step::nothing: break;  // lost, or the consumer's close after the shutdown's drain
    case revocation_step::abort_transaction:
      // The transaction holds records and offsets of pages of partitions now another member's:
      // it aborts (at the poll loop's next turn, once they are unassigned), and the partitions
      // kept rewind to their committed offsets.
      spdlog::warn("partitions lost in a transaction: it is aborted");
      steps_.abort_transaction();
      break;
    case revocation_step::commit_transaction: steps_.commit_transaction(stop_.revocation_drain_until()); break;
    case revocation_step::drain_and_commit:
      // Finish what was consumed from these partitions, within a bound below the session timeout.
      if (!steps_.drain(partitions, stop_.revocation_drain_until()))
        spdlog::warn("revoked partitions not drained in time; their last pages will be processed again");
      steps_.commit_offsets(stop_.revocation_commit_until());
      break;
  }
  for (int i = 0; i < partitions->cnt; ++i) tracker_.drop(partitions->elems[i].partition);
  assigned_ -= partitions->cnt;
  if (const auto error = consumer.unassign(partitions); !error.empty()) spdlog::error("unassign failed: {}", error);
}

}  // namespace broadsheet::worker
