#include "worker/kafka.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point start) { return std::chrono::duration<double>(steady::now() - start).count(); }

// A property's value in a client configuration.
std::string property(const kafka_conf& conf, const char* name) {
  char value[256];
  std::size_t size = sizeof value;
  return rd_kafka_conf_get(conf.get(), name, value, &size) == RD_KAFKA_CONF_OK ? std::string(value) : std::string();
}

TEST(make_client_conf, gives_input_properties_to_the_consumer_and_output_properties_to_the_producer) {
  worker_config config;
  config.kafka_properties = {{"client.rack", "r1"}};
  config.input_properties = {{"fetch.wait.max.ms", "123"}};
  config.output_properties = {{"batch.num.messages", "777"}};
  const auto consumer = make_client_conf(config, client_role::consumer, "");
  const auto producer = make_client_conf(config, client_role::producer, "");
  const auto tailer = make_client_conf(config, client_role::tailer, "");
  ASSERT_TRUE(consumer && producer && tailer);
  EXPECT_EQ(property(*consumer, "fetch.wait.max.ms"), "123");
  EXPECT_NE(property(*consumer, "batch.num.messages"), "777");
  EXPECT_EQ(property(*producer, "batch.num.messages"), "777");
  EXPECT_NE(property(*producer, "fetch.wait.max.ms"), "123");
  // the signatures reader, a consumer of the output side, takes only the shared properties
  EXPECT_NE(property(*tailer, "fetch.wait.max.ms"), "123");
  EXPECT_NE(property(*tailer, "batch.num.messages"), "777");
  for (const auto* conf : {&*consumer, &*producer, &*tailer}) EXPECT_EQ(property(*conf, "client.rack"), "r1");
}

TEST(in_slices, asks_again_while_no_broker_is_reachable_until_a_stop) {
  // given: no broker answers, and a stop asked after the third attempt
  std::atomic<bool> stop{false};
  std::vector<int> slices;
  // when
  const auto err = in_slices(10'000, &stop, [&](int ms) {
    slices.push_back(ms);
    if (slices.size() == 3) stop = true;
    return RD_KAFKA_RESP_ERR__TRANSPORT;
  });
  // then
  EXPECT_EQ(err, RD_KAFKA_RESP_ERR__TRANSPORT);
  EXPECT_EQ(slices.size(), 3u);
  for (const int ms : slices) EXPECT_LE(ms, wait_slice_ms);
}

TEST(in_slices, lengthens_its_slices_while_requests_go_unanswered) {
  std::vector<int> slices;
  const auto err = in_slices(700, nullptr, [&](int ms) {
    slices.push_back(ms);
    return RD_KAFKA_RESP_ERR__TIMED_OUT;
  });
  EXPECT_EQ(err, RD_KAFKA_RESP_ERR__TIMED_OUT);
  ASSERT_GE(slices.size(), 2u);
  EXPECT_GE(slices[0], wait_slice_ms - 5);
  EXPECT_GE(slices[1], 2 * wait_slice_ms - 20) << "twice the first";
}

TEST(in_slices, returns_any_other_outcome_at_once) {
  int calls = 0;
  EXPECT_EQ(in_slices(10'000, nullptr,
                      [&](int) {
                        ++calls;
                        return calls == 2 ? RD_KAFKA_RESP_ERR_NO_ERROR : RD_KAFKA_RESP_ERR__TRANSPORT;
                      }),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(in_slices(10'000, nullptr, [](int) { return RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART; }),
            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

// The start-up waits of issue 14: a metadata request against brokers that cannot be reached
// blocked for its whole 10 s timeout, whatever the stop.
TEST(partition_count, against_unreachable_brokers_ends_soon_after_a_stop) {
  // given: a client whose only broker refuses connections
  kafka_conf conf(rd_kafka_conf_new());
  char err[256];
  rd_kafka_conf_set(conf.get(), "bootstrap.servers", "127.0.0.1:1", err, sizeof err);
  rd_kafka_conf_set(conf.get(), "log_level", "0", err, sizeof err);
  auto client = make_client(std::move(conf), RD_KAFKA_PRODUCER);
  ASSERT_TRUE(client) << client.error();
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  // when
  const auto started = steady::now();
  const auto count = partition_count(client->get(), "pages.raw", 10'000, &stop);
  const double seconds = seconds_since(started);
  stopper.join();
  // then
  EXPECT_FALSE(count);
  EXPECT_LT(seconds, 1.0) << "the stop ends the wait within a slice";
}

TEST(ms_until, counts_down_to_zero) {
  EXPECT_EQ(ms_until(steady::now() - std::chrono::seconds(1)), 0);
  EXPECT_GT(ms_until(steady::now() + std::chrono::seconds(2)), 1000);
}

}  // namespace
}  // namespace broadsheet::worker
