#include "worker/publisher.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <utility>

#include <spdlog/spdlog.h>

#include "worker/dead_letter.h"
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

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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

publisher::publisher(std::unique_ptr<record_producer> producer, publisher_settings settings, offset_tracker& tracker,
                     worker_metrics& metrics, std::atomic<bool>& fatal)
    : producer_(std::move(producer)),
      settings_(std::move(settings)),
      tracker_(tracker),
      metrics_(metrics),
      fatal_(fatal) {}

void publisher::produce(const std::string& topic, std::string_view key, bool has_key, std::unique_ptr<delivery> record,
                        kafka_headers headers) {
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
    log_record(spdlog::level::err, page_fields(job, settings_.input_topic, rd_kafka_err2name(err)),
               "cannot produce to {}: {}", topic, rd_kafka_err2str(err));
    if (job != nullptr) job->failed = true;
    fatal_ = true;
    return;
  }
}

void publisher::produce_dead_letter(const std::shared_ptr<page_job>& job) {
  metrics_.page_failed(job->rejection->name());
  const std::string_view key = job->key.value_or(std::string_view());
  const std::string_view value = job->value.value_or(std::string_view());
  rd_kafka_headers_t* original = nullptr;  // owned by the message
  if (!job->message || rd_kafka_message_headers(job->message.get(), &original) != RD_KAFKA_RESP_ERR_NO_ERROR)
    original = nullptr;
  const std::array<std::pair<std::string_view, std::string>, 7> own{{
      {"error.code", std::string(job->rejection->name())},
      {"error.message", job->error_message},
      {"source.topic", settings_.input_topic},
      {"source.partition", std::to_string(job->partition)},
      {"source.offset", std::to_string(job->offset)},
      {"worker.id", settings_.worker_id},
      {"failed_at", utc_now()},
  }};
  const std::size_t limit = settings_.record_limit;
  auto letter = make_dead_letter(limit, key, value, original, own);
  const record_fields where = page_fields(job.get(), settings_.input_topic, job->rejection->name());
  if (!letter) {  // its own headers alone are over message.max.bytes: a worker.id of tens of kilobytes
    log_record(spdlog::level::err, where,
               "dead letter: its headers alone are over message.max.bytes ({}); its page is not acknowledged", limit);
    job->failed = true;
    fatal_ = true;
    return;
  }
  log_record(spdlog::level::warn, where, "dead letter: {} ({}){}", job->rejection->name(), job->error_message,
             letter->cut ? fmt::format(" cut to fit message.max.bytes ({}): key {} of {} bytes, value {} of {}", limit,
                                       letter->key.size(), key.size(), letter->value.size(), value.size())
                         : "");
  produce(settings_.dead_letter_topic, letter->key, job->key.has_value(),
          delivery::of_bytes(job, std::string(letter->value), !job->value), std::move(letter->headers));
}

delivery_verdict publisher::settle(const delivery_report& report) {
  std::unique_ptr<delivery> record(report.record);
  page_job* const job = record->job.get();
  delivery_verdict verdict = judge_delivery(report.err, record->attempts, settings_.delivery, abandoned_, fatal_);
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
    log_record(spdlog::level::warn, page_fields(job, settings_.input_topic, code),
               "delivery to {} failed in a transaction: {}", report.topic, rd_kafka_err2str(report.err));
    return verdict;
  }
  if (verdict == delivery_verdict::retry) {
    ++record->attempts;
    log_record(spdlog::level::warn, page_fields(job, settings_.input_topic, code),
               "delivery to {} failed ({}), attempt {} of {}", report.topic, rd_kafka_err2str(report.err),
               record->attempts, settings_.delivery.attempts);
    if (producer_->produce_again(report) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      static_cast<void>(record.release());  // librdkafka's again
      return verdict;
    }
    verdict = delivery_verdict::undeliverable;
  }
  log_record(spdlog::level::err, page_fields(job, settings_.input_topic, code),
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
