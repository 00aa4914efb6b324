#pragma once
// Records handed to the producer, and what their delivery reports decide. A page is acknowledged
// (finished in the offset tracker) once every record it produced is delivered. A failed record is
// produced again, up to delivery.attempts in all; then it stops the worker with its page not
// acknowledged (exit status 1), so that the next start processes the page again. In exactly-once
// mode a failed record is not produced again alone: its transaction aborts and rewinds. From the
// shutdown deadline on (abandon()), nothing more is produced or produced again, and the pages of
// the records left stay unacknowledged (nothing is committed for them). A rejected page's record
// is its dead letter: the input record with error headers, cut to fit a record (dead_letter.h).
//
// The producer is reached through record_producer: librdkafka's (kafka_record_producer) in the
// worker, a fake in tests. produce() is called by the thread publishing pages (the sequencer's
// publish step); settle() by whichever thread serves the producer's delivery reports (the poll
// loop, or a thread in produce() waiting for room in the producer's queue). Both are thread-safe.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>

#include "pipeline/article_json.h"
#include "worker/kafka.h"
#include "worker/page_job.h"

namespace broadsheet::worker {

class offset_tracker;
class worker_metrics;

// The opaque of one produced record, owned by librdkafka from a successful produce until its
// delivery report, and by the publisher otherwise.
struct delivery {
  std::shared_ptr<page_job> job;  // null for corrections learned from other workers
  int attempts = 1;
  // The record's value, which librdkafka points into until the delivery report: an article's
  // JSON, shared with the article cache, or else bytes of its own.
  std::shared_ptr<const pipeline::article_json> json;
  std::string value;
  bool null_value = false;  // a tombstone's dead letter: no value at all, not an empty one
  [[nodiscard]] std::string_view bytes() const noexcept { return json ? std::string_view(json->text) : value; }
  // A record whose value is an article's JSON, shared with the article cache.
  [[nodiscard]] static std::unique_ptr<delivery> of_article(std::shared_ptr<page_job> job,
                                                            std::shared_ptr<const pipeline::article_json> json) {
    auto d = std::make_unique<delivery>();
    d->job = std::move(job);
    d->json = std::move(json);
    return d;
  }
  // A record whose value is bytes of its own; null_value for a tombstone's dead letter.
  [[nodiscard]] static std::unique_ptr<delivery> of_bytes(std::shared_ptr<page_job> job, std::string value,
                                                          bool null_value = false) {
    auto d = std::make_unique<delivery>();
    d->job = std::move(job);
    d->value = std::move(value);
    d->null_value = null_value;
    return d;
  }
  // The payload to give librdkafka: null for a null value.
  [[nodiscard]] void* payload() const noexcept { return null_value ? nullptr : const_cast<char*>(bytes().data()); }
};

// A delivery report, as the publisher reads it.
struct delivery_report {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  delivery* record = nullptr;  // the opaque it was produced with; settle() takes it
  std::string_view topic;
  const rd_kafka_message_t* message = nullptr;  // librdkafka's report, for produce_again; none in tests
};

// librdkafka's delivery report of a record the publisher produced.
[[nodiscard]] delivery_report report_of(const rd_kafka_message_t* message) noexcept;

// What the publisher needs of a producer.
class record_producer {
 public:
  virtual ~record_producer() = default;
  // Hands a record to the producer: the key is copied; the record's value is pointed into until
  // its delivery report, which brings `record` back. The headers are taken only when it succeeds.
  // librdkafka's error otherwise (__QUEUE_FULL: the queue is full until delivery reports are served).
  [[nodiscard]] virtual rd_kafka_resp_err_t produce(const std::string& topic, std::string_view key, bool has_key,
                                                    delivery& record, kafka_headers& headers) = 0;
  // The failed record of a report produced again as it was, its headers included.
  [[nodiscard]] virtual rd_kafka_resp_err_t produce_again(const delivery_report& report) = 0;
  // Serves delivery reports for up to ms milliseconds.
  virtual void poll(int ms) = 0;
};

// librdkafka's producer, which outlives the result (its delivery report callback calls settle()).
[[nodiscard]] std::unique_ptr<record_producer> kafka_record_producer(rd_kafka_t* producer);

// What becomes of a record when its delivery report arrives.
enum class delivery_verdict {
  delivered,          // its page has one record fewer to wait for
  purged,             // failed from the shutdown deadline on: its page stays unacknowledged
  abort_transaction,  // failed in a transaction, which aborts and rewinds its partitions
  retry,              // failed: produced again
  undeliverable,      // failed for good: its page stays unacknowledged, and the worker stops (exit 1)
};

struct delivery_rules {
  int attempts = 1;  // delivery.attempts: how often a record is produced before it is undeliverable
  bool exactly_once = false;
};

struct publisher_settings {
  delivery_rules delivery;
  std::string input_topic;        // of the pages: their log fields, a dead letter's source.topic
  std::string dead_letter_topic;  // kafka.dlq_topic
  std::string worker_id;          // a dead letter's worker.id
  std::size_t record_limit = 0;   // the largest record produced (output_record_limit)
};

// The verdict on a record whose report says err after `attempts` productions of it. abandoned:
// the shutdown deadline has passed; fatal: the worker is stopping on a fatal error (nothing is
// produced again then).
[[nodiscard]] delivery_verdict judge_delivery(rd_kafka_resp_err_t err, int attempts, const delivery_rules& rules,
                                              bool abandoned, bool fatal) noexcept;

class publisher {
 public:
  // fatal: the worker's flag, which a record that cannot be delivered sets, and which stops
  // retries and waits for room. The tracker, the metrics and the flag outlive the publisher.
  publisher(std::unique_ptr<record_producer> producer, publisher_settings settings, offset_tracker& tracker,
            worker_metrics& metrics, std::atomic<bool>& fatal);

  // Produces a record (record.job: its page, which then waits for its delivery; null: a record of
  // no page). While the producer's queue is full this serves delivery reports until there is
  // room: the in-flight bound then pauses consumption. When it cannot be produced, or from the
  // shutdown deadline on, its page is never acknowledged (and the former is fatal).
  void produce(const std::string& topic, std::string_view key, bool has_key, std::unique_ptr<delivery> record,
               kafka_headers headers);

  // The dead letter of a rejected page (its rejection set), counted by that code: its input
  // record (a null key or value kept null) with the input's headers and the error headers
  // (error.code, error.message, source.topic, source.partition, source.offset, worker.id,
  // failed_at), cut to fit the record limit. When the error headers alone are over it, nothing is
  // produced, the page is never acknowledged, and that is fatal.
  void produce_dead_letter(const std::shared_ptr<page_job>& job);

  // Acts on a delivery report, as judge_delivery decides: acknowledges, produces again, or gives
  // up on the record's page. The caller aborts the transaction on abort_transaction.
  delivery_verdict settle(const delivery_report& report);

  // One record of the job is delivered, or the producing of its records is over (the one held
  // while producing): the page is acknowledged with the last.
  void release(page_job& job);

  // The shutdown deadline has passed: nothing more is produced, failed records are not produced
  // again.
  void abandon() noexcept { abandoned_ = true; }
  [[nodiscard]] bool abandoned() const noexcept { return abandoned_; }
  // Records whose delivery report came after abandon() with an error (purged, or failed).
  [[nodiscard]] std::size_t purged() const noexcept { return purged_; }

 private:
  const std::unique_ptr<record_producer> producer_;
  const publisher_settings settings_;
  offset_tracker& tracker_;
  worker_metrics& metrics_;
  std::atomic<bool>& fatal_;
  std::atomic<bool> abandoned_{false};
  std::atomic<std::size_t> purged_{0};
};

}  // namespace broadsheet::worker
