#include "worker/transactions.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "worker/acknowledged_offsets.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"

namespace broadsheet::worker {

txn_outcome txn_outcome::of(kafka_error error) {
  if (!error) return {};
  txn_outcome outcome;
  outcome.code = rd_kafka_error_code(error.get());
  outcome.retriable = rd_kafka_error_is_retriable(error.get()) != 0;
  outcome.fatal = rd_kafka_error_is_fatal(error.get()) != 0;
  outcome.message = rd_kafka_error_string(error.get());
  return outcome;
}

namespace {

class kafka_client final : public transaction_client {
 public:
  kafka_client(rd_kafka_t* producer, rd_kafka_t* consumer, std::string input_topic)
      : producer_(producer), consumer_(consumer), input_topic_(std::move(input_topic)) {}

  txn_outcome init(int timeout_ms) override {
    return txn_outcome::of(kafka_error(rd_kafka_init_transactions(producer_, timeout_ms)));
  }
  txn_outcome begin() override { return txn_outcome::of(kafka_error(rd_kafka_begin_transaction(producer_))); }
  txn_outcome send_offsets(const std::map<std::int32_t, std::int64_t>& offsets, int timeout_ms) override {
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& [p, o] : offsets)
      rd_kafka_topic_partition_list_add(list.get(), input_topic_.c_str(), p)->offset = o;
    const group_metadata group(rd_kafka_consumer_group_metadata(consumer_));
    return txn_outcome::of(
        kafka_error(rd_kafka_send_offsets_to_transaction(producer_, list.get(), group.get(), timeout_ms)));
  }
  txn_outcome commit(int timeout_ms) override {
    return txn_outcome::of(kafka_error(rd_kafka_commit_transaction(producer_, timeout_ms)));
  }
  txn_outcome abort(int timeout_ms) override {
    return txn_outcome::of(kafka_error(rd_kafka_abort_transaction(producer_, timeout_ms)));
  }
  std::optional<std::vector<partition_offset>> committed(int timeout_ms, const std::atomic<bool>& stop) override {
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    if (rd_kafka_assignment(consumer_, &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    const partition_list owned(assignment);
    in_slices(timeout_ms, &stop, [&](int ms) { return rd_kafka_committed(consumer_, owned.get(), ms); });
    std::vector<partition_offset> result;
    for (int i = 0; i < owned->cnt; ++i) result.push_back({owned->elems[i].partition, owned->elems[i].offset});
    return result;
  }
  std::string seek(const std::vector<partition_offset>& to, int timeout_ms) override {
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(to.size())));
    for (const auto& [p, o] : to) rd_kafka_topic_partition_list_add(list.get(), input_topic_.c_str(), p)->offset = o;
    if (kafka_error e{rd_kafka_seek_partitions(consumer_, list.get(), timeout_ms)}; e)
      return rd_kafka_error_string(e.get());
    return {};
  }

 private:
  rd_kafka_t* const producer_;
  rd_kafka_t* const consumer_;
  const std::string input_topic_;
};

constexpr int call_timeout_ms = static_cast<int>(transactions::call_timeout.count());

}  // namespace

std::unique_ptr<transaction_client> kafka_transaction_client(rd_kafka_t* producer, rd_kafka_t* consumer,
                                                             std::string input_topic) {
  return std::make_unique<kafka_client>(producer, consumer, std::move(input_topic));
}

transactions::transactions(std::unique_ptr<transaction_client> client, shutdown_control& stop,
                           acknowledged_offsets& offsets, offset_tracker& tracker, worker_metrics& metrics,
                           std::atomic<bool>& fatal, drain_function drain)
    : client_(std::move(client)),
      stop_(stop),
      offsets_(offsets),
      tracker_(tracker),
      metrics_(metrics),
      fatal_(fatal),
      drain_(std::move(drain)) {}

bool transactions::init() {
  return call("init", [&](int ms) { return client_->init(ms); });
}

bool transactions::begin() {
  started_ = stop_.now();
  return ok(client_->begin(), "begin");
}

void transactions::commit(shutdown_control::time_point deadline) {
  if (!drain_(deadline) || abort_) return abort_and_rewind();
  const auto& txn_offsets = offsets_.transaction();
  if (!txn_offsets.empty() && !call("send offsets", [&](int ms) { return client_->send_offsets(txn_offsets, ms); }))
    return abort_and_rewind();
  if (!call("commit", [&](int ms) { return client_->commit(ms); })) return abort_and_rewind();
  if (!txn_offsets.empty()) metrics_.commits.Increment();
  offsets_.transaction_ended();
  begin();
}

bool transactions::due(bool pages_in_flight) const {
  return stop_.now() - started_ >= barrier_interval && (pages_in_flight || !offsets_.transaction().empty() || abort_);
}

void transactions::abort_for(rd_kafka_resp_err_t err) noexcept {
  error_ = err;
  abort_ = true;
}

void transactions::abort_and_rewind() {
  // No error of its own: not every record was acknowledged by the deadline.
  const auto err = error_.exchange(RD_KAFKA_RESP_ERR_NO_ERROR);
  metrics_.commit_failed(rd_kafka_err2name(err != RD_KAFKA_RESP_ERR_NO_ERROR ? err : RD_KAFKA_RESP_ERR__TIMED_OUT));
  if (fatal_) return;
  call("abort", [&](int ms) { return client_->abort(ms); });
  offsets_.transaction_ended();
  abort_ = false;
  error_ = RD_KAFKA_RESP_ERR_NO_ERROR;  // the abort's own
  // Stopping: no rewind, the consumer closes and the next start reads from the committed offsets.
  if (stop_.requested()) return;
  if (auto to = client_->committed(call_timeout_ms, stop_.flag())) {
    if (stop_.requested()) return;
    for (auto& [partition, offset] : *to) {
      if (offset < 0) offset = RD_KAFKA_OFFSET_BEGINNING;
      tracker_.drop(partition);
    }
    if (const auto error = client_->seek(*to, call_timeout_ms); !error.empty())
      spdlog::error("rewind failed: {}", error);
    spdlog::warn("transaction aborted; {} partition(s) rewound to their committed offsets", to->size());
  }
  begin();
}

bool transactions::ok(const txn_outcome& outcome, const char* what) {
  if (outcome.ok()) return true;
  spdlog::error("transaction {}: {}", what, outcome.message);
  error_ = outcome.code;
  if (outcome.fatal) fatal_ = true;
  return false;
}

bool transactions::call(const char* what, const std::function<txn_outcome(int)>& attempt) {
  const auto until = stop_.deadline().value_or(stop_.now() + call_timeout);
  for (;;) {
    const txn_outcome outcome = attempt(std::clamp(stop_.ms_until(until), 1, wait_slice_ms));
    if (outcome.ok()) return true;
    const bool interrupted = stop_.interrupted();
    if (outcome.retriable && !interrupted && stop_.now() < until) continue;
    if (interrupted) return false;  // the shutdown takes over
    return ok(outcome, what);
  }
}

}  // namespace broadsheet::worker
