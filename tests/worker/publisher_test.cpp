#include "worker/publisher.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "tests/support/fake_record_producer.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"

namespace broadsheet::worker {
namespace {

using fake_producer = testing::fake_record_producer;

constexpr auto broker_down = RD_KAFKA_RESP_ERR__TRANSPORT;

// A publisher over a fake producer, with the tracker a page is acknowledged in.
struct fixture {
  explicit fixture(delivery_rules rules = {.attempts = 3, .exactly_once = false}, std::string worker_id = "worker-1") {
    auto fake = std::make_unique<fake_producer>();
    producer = fake.get();
    out = std::make_unique<publisher>(std::move(fake),
                                      publisher_settings{.delivery = rules,
                                                         .input_topic = "pages.raw",
                                                         .dead_letter_topic = "pages.dlq",
                                                         .worker_id = std::move(worker_id),
                                                         .record_limit = 64 << 10},
                                      tracker, metrics, fatal);
  }

  // A consumed page, as the poll loop begins it.
  std::shared_ptr<page_job> page(std::int64_t offset) {
    auto job = std::make_shared<page_job>();
    job->partition = 2;
    job->offset = offset;
    job->epoch = tracker.begin(job->partition, offset, 100);
    return job;
  }

  void produce(const std::shared_ptr<page_job>& job) {
    auto record = std::make_unique<delivery>();
    record->job = job;
    record->value = "{}";
    out->produce("articles", "article-1", true, std::move(record), kafka_headers(rd_kafka_headers_new(1)));
  }

  // Where the partition may be committed now, or -1 when nowhere new.
  std::int64_t committable() {
    const auto points = tracker.advance();
    return points.empty() ? -1 : points.front().next_offset;
  }

  worker_metrics metrics;
  offset_tracker tracker;
  std::atomic<bool> fatal{false};
  fake_producer* producer = nullptr;  // owned by out
  std::unique_ptr<publisher> out;
};

TEST(publisher, a_page_is_acknowledged_once_its_last_record_is_delivered) {
  // given a page that produced two records
  fixture f;
  const auto job = f.page(10);
  f.produce(job);
  f.produce(job);
  f.out->release(*job);  // its publishing is over

  // when they are delivered one after the other
  EXPECT_EQ(f.out->settle(f.producer->report(RD_KAFKA_RESP_ERR_NO_ERROR)), delivery_verdict::delivered);
  EXPECT_EQ(f.committable(), -1) << "one record is still in flight";
  EXPECT_EQ(f.out->settle(f.producer->report(RD_KAFKA_RESP_ERR_NO_ERROR)), delivery_verdict::delivered);

  // then its offset may be committed
  EXPECT_EQ(f.committable(), 11);
  EXPECT_FALSE(f.fatal);
}

TEST(publisher, a_failed_record_is_produced_again_and_acknowledges_its_page_when_delivered) {
  fixture f;
  const auto job = f.page(4);
  f.produce(job);
  f.out->release(*job);
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::retry);
  EXPECT_EQ(f.producer->produced_again, 1);
  EXPECT_EQ(f.out->settle(f.producer->report(RD_KAFKA_RESP_ERR_NO_ERROR)), delivery_verdict::delivered);
  EXPECT_EQ(f.committable(), 5);
  EXPECT_FALSE(f.fatal);
}

TEST(publisher, a_record_failing_all_its_attempts_stops_the_worker_with_its_page_unacknowledged) {
  // given delivery.attempts = 3
  fixture f({.attempts = 3, .exactly_once = false});
  const auto job = f.page(0);
  f.produce(job);
  f.out->release(*job);

  // when each attempt fails
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::retry);
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::retry);
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::undeliverable);

  // then it was produced three times in all, and the worker stops without committing the page
  EXPECT_EQ(f.producer->produced_again, 2);
  EXPECT_TRUE(f.fatal);
  EXPECT_TRUE(job->failed);
  EXPECT_EQ(f.committable(), -1);
  EXPECT_EQ(f.tracker.pending_pages(), 1u);
}

TEST(publisher, a_record_the_producer_refuses_to_take_again_is_undeliverable) {
  fixture f;
  const auto job = f.page(0);
  f.produce(job);
  f.producer->produce_again_answers.push_back(RD_KAFKA_RESP_ERR__FATAL);
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::undeliverable);
  EXPECT_TRUE(f.fatal);
  EXPECT_TRUE(job->failed);
}

TEST(publisher, once_the_worker_stops_on_a_fatal_error_a_failed_record_is_not_produced_again) {
  fixture f;
  const auto job = f.page(0);
  f.produce(job);
  f.fatal = true;  // another record was undeliverable
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::undeliverable);
  EXPECT_EQ(f.producer->produced_again, 0);
}

TEST(publisher, in_exactly_once_mode_a_failed_record_aborts_the_transaction_and_is_not_produced_again) {
  fixture f({.attempts = 3, .exactly_once = true});
  const auto job = f.page(0);
  f.produce(job);
  f.out->release(*job);
  EXPECT_EQ(f.out->settle(f.producer->report(broker_down)), delivery_verdict::abort_transaction);
  EXPECT_EQ(f.producer->produced_again, 0);
  EXPECT_FALSE(f.fatal) << "the abort rewinds; the worker goes on";
  EXPECT_EQ(f.committable(), -1);
}

TEST(publisher, after_the_shutdown_deadline_nothing_is_produced_and_failed_records_are_purged) {
  // given a record in flight when the deadline passes
  fixture f;
  const auto job = f.page(0);
  f.produce(job);
  f.out->release(*job);
  f.out->abandon();

  // when its report says it was purged, and the page has another record to produce
  EXPECT_EQ(f.out->settle(f.producer->report(RD_KAFKA_RESP_ERR__PURGE_QUEUE)), delivery_verdict::purged);
  f.produce(job);

  // then nothing more is produced, and the page is not acknowledged, without it being fatal
  EXPECT_EQ(f.out->purged(), 1u);
  EXPECT_TRUE(f.producer->in_flight.empty());
  EXPECT_EQ(f.producer->produced_again, 0);
  EXPECT_TRUE(job->failed);
  EXPECT_FALSE(f.fatal);
  EXPECT_EQ(f.committable(), -1);
}

TEST(publisher, while_the_producer_queue_is_full_it_serves_delivery_reports_until_there_is_room) {
  fixture f;
  f.producer->produce_answers = {RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__QUEUE_FULL};
  f.produce(f.page(0));
  EXPECT_EQ(f.producer->polls, 2);
  EXPECT_EQ(f.producer->in_flight.size(), 1u);
  EXPECT_FALSE(f.fatal);
}

TEST(publisher, a_record_the_producer_refuses_stops_the_worker_with_its_page_unacknowledged) {
  fixture f;
  f.producer->produce_answers = {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE};
  const auto job = f.page(0);
  f.produce(job);
  f.out->release(*job);
  EXPECT_TRUE(f.fatal);
  EXPECT_TRUE(job->failed);
  EXPECT_EQ(f.committable(), -1);
}

TEST(publisher, a_full_queue_is_not_waited_on_once_the_worker_stops_on_a_fatal_error) {
  fixture f;
  f.fatal = true;
  f.producer->produce_answers = {RD_KAFKA_RESP_ERR__QUEUE_FULL};
  const auto job = f.page(0);
  f.produce(job);
  EXPECT_EQ(f.producer->polls, 0);
  EXPECT_TRUE(job->failed);
}

TEST(publisher, a_record_of_no_page_acknowledges_nothing) {
  // given a correction learned from another worker's signature, and a page in flight
  fixture f;
  f.page(0);
  f.out->produce("articles", "article-9", true, std::make_unique<delivery>(), kafka_headers(rd_kafka_headers_new(1)));
  EXPECT_EQ(f.out->settle(f.producer->report(RD_KAFKA_RESP_ERR_NO_ERROR)), delivery_verdict::delivered);
  EXPECT_EQ(f.committable(), -1);
}

// A page the pool rejected, its input record views into what the caller holds.
std::shared_ptr<page_job> rejected(fixture& f, std::int64_t offset, std::optional<std::string_view> key,
                                   std::optional<std::string_view> value, reject_reason code) {
  auto job = f.page(offset);
  job->key = key;
  job->value = value;
  job->rejection = code;
  job->error_message = "what went wrong";
  return job;
}

TEST(publisher, a_dead_letter_is_the_input_record_with_the_error_headers_and_acknowledges_its_page) {
  // given a rejected page
  fixture f;
  const std::string key = "page-7", value = R"({"page_id": 7})";
  const auto job = rejected(f, 41, key, value, pipeline::errc::invalid_field);

  // when its dead letter is produced and delivered
  f.out->produce_dead_letter(job);
  f.out->release(*job);
  ASSERT_EQ(f.producer->produced.size(), 1u);
  EXPECT_EQ(f.out->settle(f.producer->report(RD_KAFKA_RESP_ERR_NO_ERROR)), delivery_verdict::delivered);

  // then it holds the input record and says where it came from and why, and the page is committed
  const auto& letter = f.producer->produced[0];
  EXPECT_EQ(letter.topic, "pages.dlq");
  EXPECT_EQ(letter.key, key);
  EXPECT_EQ(letter.value, value);
  EXPECT_EQ(letter.headers.at("error.code"), "invalid_field");
  EXPECT_EQ(letter.headers.at("error.message"), "what went wrong");
  EXPECT_EQ(letter.headers.at("source.topic"), "pages.raw");
  EXPECT_EQ(letter.headers.at("source.partition"), "2");
  EXPECT_EQ(letter.headers.at("source.offset"), "41");
  EXPECT_EQ(letter.headers.at("worker.id"), "worker-1");
  EXPECT_EQ(letter.headers.at("failed_at").size(), std::string_view("2026-01-01T00:00:00Z").size());
  EXPECT_EQ(f.committable(), 42);
}

TEST(publisher, a_dead_letter_keeps_a_null_key_and_a_null_value_null) {
  fixture f;
  f.out->produce_dead_letter(rejected(f, 0, std::nullopt, std::nullopt, worker_reason::tombstone));
  ASSERT_EQ(f.producer->produced.size(), 1u);
  EXPECT_FALSE(f.producer->produced[0].key);
  EXPECT_FALSE(f.producer->produced[0].value) << "a tombstone's dead letter is a tombstone, not an empty value";
}

TEST(publisher, a_dead_letter_over_the_record_limit_is_cut_to_fit) {
  fixture f;
  const std::string value(100'000, 'v');
  f.out->produce_dead_letter(rejected(f, 0, "page-1", value, pipeline::errc::record_too_large));
  ASSERT_EQ(f.producer->produced.size(), 1u);
  const auto& letter = f.producer->produced[0];
  EXPECT_LT(letter.value->size(), std::size_t{64 << 10});
  EXPECT_EQ(letter.headers.at("value.truncated"), "true");
  EXPECT_EQ(letter.headers.at("value.size"), "100000");
  EXPECT_FALSE(f.fatal);
}

TEST(publisher, a_dead_letter_whose_error_headers_alone_do_not_fit_stops_the_worker_with_its_page_unacknowledged) {
  // given a worker.id of tens of kilobytes
  fixture f({.attempts = 3, .exactly_once = false}, std::string(70'000, 'w'));
  const auto job = rejected(f, 0, "page-1", "{}", pipeline::errc::invalid_json);

  // when
  f.out->produce_dead_letter(job);
  f.out->release(*job);

  // then
  EXPECT_TRUE(f.producer->produced.empty());
  EXPECT_TRUE(f.fatal);
  EXPECT_TRUE(job->failed);
  EXPECT_EQ(f.committable(), -1);
}

TEST(judge_delivery, decides_by_outcome_attempts_mode_and_stop) {
  const delivery_rules three{.attempts = 3, .exactly_once = false};
  const delivery_rules transactional{.attempts = 3, .exactly_once = true};
  const auto ok = RD_KAFKA_RESP_ERR_NO_ERROR;
  EXPECT_EQ(judge_delivery(ok, 1, three, false, false), delivery_verdict::delivered);
  EXPECT_EQ(judge_delivery(ok, 3, transactional, true, true), delivery_verdict::delivered);
  EXPECT_EQ(judge_delivery(broker_down, 1, three, false, false), delivery_verdict::retry);
  EXPECT_EQ(judge_delivery(broker_down, 2, three, false, false), delivery_verdict::retry);
  EXPECT_EQ(judge_delivery(broker_down, 3, three, false, false), delivery_verdict::undeliverable);
  EXPECT_EQ(judge_delivery(broker_down, 1, {.attempts = 1}, false, false), delivery_verdict::undeliverable);
  EXPECT_EQ(judge_delivery(broker_down, 1, three, false, true), delivery_verdict::undeliverable);
  EXPECT_EQ(judge_delivery(broker_down, 1, transactional, false, false), delivery_verdict::abort_transaction);
  EXPECT_EQ(judge_delivery(broker_down, 1, three, true, false), delivery_verdict::purged);
  EXPECT_EQ(judge_delivery(broker_down, 1, transactional, true, false), delivery_verdict::purged);
}

}  // namespace
}  // namespace broadsheet::worker
