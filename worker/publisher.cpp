#include "worker/publisher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "worker/logging.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"

namespace broadsheet::worker {

namespace {

class kafka_producer final : public record_producer {
 public:
  explicit kafka_producer(rd_kafka_t* producer) : producer_(producer) {}

  rd_kafka_resp_err_t produce(const std::string& topic, std::string_view key, bool has_key, delivery& record,
                              kafka_headers& headers) override {
    const std::string_view value = record.bytes();
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(0),
                          RD_KAFKA_V_KEY(has_key ? key.data() : nullptr, has_key ? key.size() : 0),
                          RD_KAFKA_V_VALUE(record.payload(), value.size()), RD_KAFKA_V_HEADERS(headers.get()),
                          RD_KAFKA_V_OPAQUE(&record), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<void>(headers.release());  // librdkafka's now
    return err;
  }

  rd_kafka_resp_err_t produce_again(const delivery_report& report) override {
    const rd_kafka_message_t* m = report.message;
    rd_kafka_headers_t* detached = nullptr;
    rd_kafka_message_detach_headers(const_cast<rd_kafka_message_t*>(m), &detached);
    kafka_headers headers(detached);
    const std::string_view value = report.record->bytes();
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(producer_, RD_KAFKA_V_RKT(m->rkt), RD_KAFKA_V_MSGFLAGS(0), RD_KAFKA_V_KEY(m->key, m->key_len),
                          RD_KAFKA_V_VALUE(report.record->payload(), value.size()), RD_KAFKA_V_HEADERS(headers.get()),
                          RD_KAFKA_V_OPAQUE(report.record), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<void>(headers.release());
    return err;
  }

  void poll(int ms) override { rd_kafka_poll(producer_, ms); }

 private:
  rd_kafka_t* const producer_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

delivery_report report_of(const rd_kafka_message_t* message) noexcept {
  return {message->err, static_cast<delivery*>(message->_private), rd_kafka_topic_name(message->rkt), message};
}

std::unique_ptr<record_producer> kafka_record_producer(rd_kafka_t* producer) {
  return std::make_unique<kafka_producer>(producer);
}

delivery_verdict judge_delivery(rd_kafka_resp_err_t err, int attempts, const delivery_rules& rules, bool abandoned,
                                bool fatal) noexcept {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return delivery_verdict::delivered;
  // Purged at the shutdown deadline, or failed after it.
  if (abandoned) return delivery_verdict::purged;
  // A transactional record is not retried alone: the transaction aborts and rewinds.
  if (rules.exactly_once) return delivery_verdict::abort_transaction;
  if (attempts < rules.attempts && !fatal) return delivery_verdict::retry;
  return delivery_verdict::undeliverable;
}

publisher::publisher(std::unique_ptr<record_producer> producer, delivery_rules rules, std::string input_topic,
                     offset_tracker& tracker, worker_metrics& metrics, std::atomic<bool>& fatal)
    : producer_(std::move(producer)),
      rules_(rules),
      input_topic_(std::move(input_topic)),
      tracker_(tracker),
      metrics_(metrics),
      fatal_(fatal) {}

void publisher::produce(const std::string& topic, std::string_view key, bool has_key,
                        std::unique_ptr<delivery> record, kafka_headers headers) {
  page_job* const job = record->job.get();
  if (job != nullptr) ++job->pending;
  metrics_.output_bytes.Increment(static_cast<double>(key.size() + record->bytes().size()));
  for (;;) {
    if (abandoned_) [[unlikely]] {
      if (job != nullptr) job->failed = true;
      return;
    }
    const rd_kafka_resp_err_t err = producer_->produce(topic, key, has_key, *record, headers);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      static_cast<void>(record.release());  // librdkafka's until its delivery report
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !fatal_) {
      // Serve delivery reports here too (settle is thread-safe): the poll loop may be waiting for
      // this very thread at shutdown.
      producer_->poll(1);
      continue;
    }
    log_record(spdlog::level::err, page_fields(job, input_topic_, rd_kafka_err2name(err)), "cannot produce to {}: {}",
               topic, rd_kafka_err2str(err));
    if (job != nullptr) job->failed = true;
    fatal_ = true;
    return;
  }
}

delivery_verdict publisher::settle(const delivery_report& report) {
  std::unique_ptr<delivery> record(report.record);
  page_job* const job = record->job.get();
  delivery_verdict verdict = judge_delivery(report.err, record->attempts, rules_, abandoned_, fatal_);
  if (verdict == delivery_verdict::delivered) {
    if (job != nullptr) release(*job);
    return verdict;
  }
  if (verdict == delivery_verdict::purged) {
    ++purged_;
    if (job != nullptr) job->failed = true;
    return verdict;
  }
  const std::string_view code = rd_kafka_err2name(report.err);
  metrics_.delivery_failed(code);
  if (verdict == delivery_verdict::abort_transaction) {
    log_record(spdlog::level::warn, page_fields(job, input_topic_, code), "delivery to {} failed in a transaction: {}",
               report.topic, rd_kafka_err2str(report.err));
    return verdict;
  }
  if (verdict == delivery_verdict::retry) {
    ++record->attempts;
    log_record(spdlog::level::warn, page_fields(job, input_topic_, code), "delivery to {} failed ({}), attempt {} of {}",
               report.topic, rd_kafka_err2str(report.err), record->attempts, rules_.attempts);
    if (producer_->produce_again(report) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      static_cast<void>(record.release());  // librdkafka's again
      return verdict;
    }
    verdict = delivery_verdict::undeliverable;
  }
  log_record(spdlog::level::err, page_fields(job, input_topic_, code),
             "record to {} not delivered after {} attempts: {}; its page is not acknowledged", report.topic,
             record->attempts, rd_kafka_err2str(report.err));
  if (job != nullptr) job->failed = true;
  fatal_ = true;
  return verdict;
}

void publisher::release(page_job& job) {
  if (--job.pending != 0 || job.failed) return;
  tracker_.finish(job.partition, job.offset, job.epoch);
  metrics_.observe(stage::produce_ack, seconds_since(job.publish_started));
  if (job.timestamp_ms > 0) {
    const std::int64_t age_ms = worker_metrics::wall_clock_ms() - job.timestamp_ms;
    metrics_.end_to_end_latency.Observe(static_cast<double>(std::max<std::int64_t>(0, age_ms)) / 1000);
  }
}

}  // namespace broadsheet::worker
