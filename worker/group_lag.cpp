#include "worker/group_lag.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "worker/metrics.h"

namespace broadsheet::worker {

std::vector<std::int64_t> group_lag(const std::vector<watermarks>& marks, const std::vector<std::int64_t>& committed) {
  std::vector<std::int64_t> lag(marks.size(), 0);
  for (std::size_t p = 0; p < marks.size(); ++p) {
    const std::int64_t from = p < committed.size() && committed[p] >= 0 ? committed[p] : marks[p].low;
    lag[p] = std::max<std::int64_t>(0, marks[p].high - from);
  }
  return lag;
}

group_lag_reader::group_lag_reader(rd_kafka_t* consumer, std::string topic, int partitions, worker_metrics& metrics,
                                   std::chrono::milliseconds interval)
    : consumer_(consumer),
      topic_(std::move(topic)),
      partitions_(partitions),
      metrics_(metrics),
      interval_(interval),
      thread_([this] { run(); }) {}

group_lag_reader::~group_lag_reader() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void group_lag_reader::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    read_once();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stop_.load(); });
  }
}

void group_lag_reader::read_once() {
  constexpr int timeout_ms = 5000;
  partition_list list(rd_kafka_topic_partition_list_new(partitions_));
  for (int p = 0; p < partitions_; ++p) rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p);
  const auto err = in_slices(timeout_ms, &stop_, [&](int ms) { return rd_kafka_committed(consumer_, list.get(), ms); });
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (!stop_) spdlog::debug("group lag: committed offsets of {}: {}", topic_, rd_kafka_err2str(err));
    return;
  }
  std::vector<std::int64_t> committed(static_cast<std::size_t>(partitions_), -1);
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    if (e.partition >= 0 && e.partition < partitions_ && e.err == RD_KAFKA_RESP_ERR_NO_ERROR)
      committed[static_cast<std::size_t>(e.partition)] = e.offset;
  }
  const auto marks = query_watermarks(consumer_, topic_, partitions_, timeout_ms, &stop_);
  if (!marks) {
    if (!stop_) spdlog::debug("group lag: {}", marks.error());
    return;
  }
  metrics_.set_group_lag(topic_, group_lag(*marks, committed));
}

}  // namespace broadsheet::worker
