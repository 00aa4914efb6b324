#include "worker/acknowledged_offsets.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "worker/kafka.h"

namespace broadsheet::worker {

namespace {

class kafka_store final : public offset_store {
 public:
  kafka_store(rd_kafka_t* consumer, std::string topic) : consumer_(consumer), topic_(std::move(topic)) {}

  rd_kafka_resp_err_t store(const std::vector<offset_tracker::commit_point>& points) override {
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(points.size())));
    for (const auto& p : points)
      rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p.partition)->offset = p.next_offset;
    return rd_kafka_offsets_store(consumer_, list.get());
  }

 private:
  rd_kafka_t* const consumer_;
  const std::string topic_;
};

}  // namespace

std::unique_ptr<offset_store> kafka_offset_store(rd_kafka_t* consumer, std::string topic) {
  return std::make_unique<kafka_store>(consumer, std::move(topic));
}

acknowledged_offsets::acknowledged_offsets(offset_tracker& tracker, std::unique_ptr<offset_store> store,
                                           bool exactly_once)
    : tracker_(tracker), store_(std::move(store)), exactly_once_(exactly_once) {}

void acknowledged_offsets::advance() {
  const auto points = tracker_.advance();
  if (points.empty()) return;
  if (exactly_once_) {  // committed with the transaction instead
    for (const auto& p : points) transaction_[p.partition] = p.next_offset;
    return;
  }
  if (const auto err = store_->store(points); err != RD_KAFKA_RESP_ERR_NO_ERROR)
    spdlog::debug("offsets not stored: {}", rd_kafka_err2str(err));
}

}  // namespace broadsheet::worker
