#include "worker/backpressure.h"

#include <spdlog/spdlog.h>

namespace broadsheet::worker {

namespace {

class kafka_partitions final : public consumer_partitions {
 public:
  explicit kafka_partitions(rd_kafka_t* consumer) : consumer_(consumer) {}

  partition_list assignment() override {
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(consumer_, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return nullptr;
    return partition_list(assigned);
  }
  void pause(rd_kafka_topic_partition_list_t* partitions) override { rd_kafka_pause_partitions(consumer_, partitions); }
  void resume(rd_kafka_topic_partition_list_t* partitions) override {
    rd_kafka_resume_partitions(consumer_, partitions);
  }
  std::string assign(rd_kafka_topic_partition_list_t* partitions) override {
    return error_text(kafka_error(rd_kafka_incremental_assign(consumer_, partitions)));
  }
  std::string unassign(rd_kafka_topic_partition_list_t* partitions) override {
    return error_text(kafka_error(rd_kafka_incremental_unassign(consumer_, partitions)));
  }
  bool assignment_lost() override { return rd_kafka_assignment_lost(consumer_) != 0; }

 private:
  static std::string error_text(const kafka_error& e) { return e ? rd_kafka_error_string(e.get()) : std::string(); }

  rd_kafka_t* const consumer_;
};

}  // namespace

std::unique_ptr<consumer_partitions> kafka_consumer_partitions(rd_kafka_t* consumer) {
  return std::make_unique<kafka_partitions>(consumer);
}

void backpressure::apply(consumer_partitions& consumer, std::size_t bytes_in_flight) {
  const bool over = bytes_in_flight > limit_;
  const bool under = bytes_in_flight < limit_ / 2;
  if (paused_ == over || (paused_ && !under)) return;
  const partition_list owned = consumer.assignment();
  if (!owned) return;
  if (over)
    consumer.pause(owned.get());
  else
    consumer.resume(owned.get());
  paused_ = over;
  spdlog::debug("{} consumption: {} bytes in flight", paused_ ? "paused" : "resumed", bytes_in_flight);
}

}  // namespace broadsheet::worker
