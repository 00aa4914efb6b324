#include "worker/clients.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "worker/metrics.h"

namespace broadsheet::worker {
namespace {

// The count of broadsheet_commit_failures_total{code}.
double commit_failures(worker_metrics& metrics, const std::string& code) {
  const std::string text = metrics.scrape();
  const std::string series = "broadsheet_commit_failures_total{code=\"" + code + "\"} ";
  const auto at = text.find(series);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
}

void ignore_delivery(rd_kafka_t*, const rd_kafka_message_t*, void*) {}

TEST(clients, a_commit_is_counted_when_it_succeeds_and_by_error_name_when_it_fails) {
  worker_metrics metrics;

  count_commit(metrics, RD_KAFKA_RESP_ERR_NO_ERROR);
  count_commit(metrics, RD_KAFKA_RESP_ERR__NO_OFFSET);  // nothing new to commit: not a commit
  count_commit(metrics, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS);

  EXPECT_EQ(metrics.commits.Value(), 1);
  EXPECT_EQ(commit_failures(metrics, "REBALANCE_IN_PROGRESS"), 1);
  EXPECT_EQ(commit_failures(metrics, "_NO_OFFSET"), 0);
}

TEST(clients, the_callbacks_reach_what_the_worker_gives_them) {
  // given no brokers: the clients connect nowhere
  const worker_config config;
  worker_metrics metrics;
  int worker = 0;
  consumer_events events{&metrics, {}};

  // when
  auto producer = make_producer(config, "", &ignore_delivery, &worker);
  auto consumer = make_consumer(config, "", events);

  // then each client's opaque is the one given
  ASSERT_TRUE(producer) << producer.error();
  ASSERT_TRUE(consumer) << consumer.error();
  EXPECT_EQ(rd_kafka_opaque(producer->get()), &worker);
  EXPECT_EQ(rd_kafka_opaque(consumer->get()), &events);
  ASSERT_TRUE(close_consumer(consumer->get(), std::chrono::steady_clock::now() + std::chrono::seconds(5)));
}

TEST(clients, a_property_librdkafka_refuses_fails_the_client_with_its_message) {
  worker_config config;
  config.output_properties = {{"no.such.property", "1"}};
  config.input_properties = {{"no.such.property", "2"}};
  consumer_events events;

  const auto producer = make_producer(config, "", &ignore_delivery, nullptr);
  const auto consumer = make_consumer(config, "", events);

  ASSERT_FALSE(producer);
  EXPECT_NE(producer.error().find("no.such.property"), std::string::npos) << producer.error();
  ASSERT_FALSE(consumer);
  EXPECT_NE(consumer.error().find("no.such.property"), std::string::npos) << consumer.error();
}

TEST(clients, the_signatures_topic_handle_names_its_topic) {
  const worker_config config;
  auto producer = make_producer(config, "", &ignore_delivery, nullptr);
  ASSERT_TRUE(producer) << producer.error();

  const kafka_topic topic = uncompressed_topic(producer->get(), "articles.signatures");

  ASSERT_NE(topic, nullptr);
  EXPECT_STREQ(rd_kafka_topic_name(topic.get()), "articles.signatures");
}

TEST(clients, a_stop_ends_the_topic_check_before_any_wait) {
  const worker_config config;
  consumer_events events;
  auto producer = make_producer(config, "", &ignore_delivery, nullptr);
  auto consumer = make_consumer(config, "", events);
  ASSERT_TRUE(producer && consumer);
  const std::atomic<bool> stop{true};

  EXPECT_FALSE(topics_reachable(producer->get(), consumer->get(), config, 60'000, stop));
  ASSERT_TRUE(close_consumer(consumer->get(), std::chrono::steady_clock::now() + std::chrono::seconds(5)));
}

}  // namespace
}  // namespace broadsheet::worker
