#include "worker/metrics.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace broadsheet::worker {
namespace {

// librdkafka statistics as the consumer reports them (only the fields read), for the given
// partitions of pages.raw: {partition, lag, desired}.
std::string statistics(std::initializer_list<std::tuple<int, long, bool>> partitions) {
  std::string json = R"({"topics":{"pages.raw":{"partitions":{"-1":{"consumer_lag":-1})";
  for (const auto& [p, lag, desired] : partitions) {
    json += ",\"" + std::to_string(p) + "\":{\"desired\":" + (desired ? "true" : "false") +
            ",\"consumer_lag\":" + std::to_string(lag) + "}";
  }
  return json + "}}}}";
}

// A loopback port nobody listens on (the system's choice for a socket bound to port 0).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), size);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool has_lag(worker_metrics& m, int partition, long lag) {
  const std::string line = "broadsheet_consumer_lag{partition=\"" + std::to_string(partition) +
                           "\",topic=\"pages.raw\"} " + std::to_string(lag);
  return m.scrape().find(line) != std::string::npos;
}

TEST(Metrics, ConsumerLagFollowsTheAssignment) {
  worker_metrics m;
  m.consumer_statistics(statistics({{0, 5, true}, {1, 7, true}}));
  EXPECT_TRUE(has_lag(m, 0, 5));
  EXPECT_TRUE(has_lag(m, 1, 7));
  EXPECT_EQ(m.scrape().find("partition=\"-1\""), std::string::npos);

  // Partition 1 revoked: gone from the report, its series goes too (no stale last value).
  m.consumer_statistics(statistics({{0, 2, true}}));
  EXPECT_TRUE(has_lag(m, 0, 2));
  EXPECT_EQ(m.scrape().find("partition=\"1\""), std::string::npos);

  // Still listed but no longer desired (librdkafka keeps a revoked partition's state a while).
  m.consumer_statistics(statistics({{0, 2, false}, {1, 3, true}}));
  EXPECT_EQ(m.scrape().find("partition=\"0\""), std::string::npos);
  EXPECT_TRUE(has_lag(m, 1, 3));
}

// The value of broadsheet_consumer_lag_seconds for pages.raw's partition, or nothing.
std::optional<double> lag_seconds(worker_metrics& m, int partition) {
  const std::string text = m.scrape();
  const std::string series =
      "broadsheet_consumer_lag_seconds{partition=\"" + std::to_string(partition) + "\",topic=\"pages.raw\"} ";
  const auto at = text.find(series);
  if (at == std::string::npos) return std::nullopt;
  return std::stod(text.substr(at + series.size(), text.find('\n', at) - at - series.size()));
}

TEST(Metrics, LagInSecondsIsTheAgeOfTheLastRecordConsumedWhileRecordsRemain) {
  // given: partition 0 consumed a record stamped 1,000 s; partition 1 nothing yet
  worker_metrics m;
  constexpr std::int64_t stamped = 1'000'000;
  m.record_consumed(0, stamped);

  // when: both are behind, 30 s after the record's timestamp
  m.consumer_statistics(statistics({{0, 5, true}, {1, 7, true}}), stamped + 30'000);
  // then: partition 0 is 30 s behind; partition 1 has no age to tell
  EXPECT_EQ(lag_seconds(m, 0), 30.0);
  EXPECT_EQ(lag_seconds(m, 1), std::nullopt);

  // A worker that consumes nothing more ages with the clock; caught up, it is at 0.
  m.consumer_statistics(statistics({{0, 5, true}}), stamped + 90'000);
  EXPECT_EQ(lag_seconds(m, 0), 90.0);
  m.consumer_statistics(statistics({{0, 0, true}}), stamped + 95'000);
  EXPECT_EQ(lag_seconds(m, 0), 0.0);

  // A timestamp ahead of this clock (producer clock skew) counts as no age, not a negative one.
  m.record_consumed(0, stamped + 200'000);
  m.consumer_statistics(statistics({{0, 4, true}}), stamped + 100'000);
  EXPECT_EQ(lag_seconds(m, 0), 0.0);

  // Revoked: the series goes; assigned again, its age waits for its next record.
  m.consumer_statistics(statistics({{1, 7, true}}), stamped + 110'000);
  EXPECT_EQ(lag_seconds(m, 0), std::nullopt);
  m.consumer_statistics(statistics({{0, 9, true}}), stamped + 120'000);
  EXPECT_EQ(lag_seconds(m, 0), std::nullopt);
  EXPECT_TRUE(has_lag(m, 0, 9));
}

// librdkafka reports consumer_lag -1 for a partition with no committed offset and no record
// consumed yet (an empty one, or one assigned a moment ago): its lag is then the high
// watermark (last stable offset under read_committed) less the next offset to fetch, else less
// the low watermark, where auto.offset.reset=earliest starts; 0 while none of it is known.
TEST(Metrics, ConsumerLagIsReportedForEveryAssignedPartition) {
  worker_metrics m;
  m.consumer_statistics(R"({"topics":{"pages.raw":{"partitions":{
      "0":{"desired":true,"consumer_lag":3,"next_offset":7,"lo_offset":0,"hi_offset":10,"ls_offset":10},
      "1":{"desired":true,"consumer_lag":-1,"next_offset":-1001,"lo_offset":0,"hi_offset":0,"ls_offset":0},
      "2":{"desired":true,"consumer_lag":-1,"next_offset":2,"lo_offset":0,"hi_offset":9,"ls_offset":6},
      "3":{"desired":true,"consumer_lag":-1,"next_offset":-1001,"lo_offset":4,"hi_offset":12,"ls_offset":12},
      "4":{"desired":true,"consumer_lag":-1,"next_offset":-1001,"lo_offset":-1,"hi_offset":-1,"ls_offset":-1},
      "-1":{"consumer_lag":-1}}}}})");
  EXPECT_TRUE(has_lag(m, 0, 3));
  EXPECT_TRUE(has_lag(m, 1, 0));
  EXPECT_TRUE(has_lag(m, 2, 4));  // read_committed: up to the last stable offset
  EXPECT_TRUE(has_lag(m, 3, 8));
  EXPECT_TRUE(has_lag(m, 4, 0));
}

TEST(Metrics, MalformedStatisticsChangeNothing) {
  worker_metrics m;
  m.consumer_statistics(statistics({{3, 9, true}}));
  m.consumer_statistics("{not json");
  m.consumer_statistics(R"({"topics":7})");
  EXPECT_TRUE(has_lag(m, 3, 9));
}

bool has_line(worker_metrics& m, const std::string& line) { return m.scrape().find(line + "\n") != std::string::npos; }

// During a backlog pages are minutes to hours old when acknowledged: with 60 s as the last
// bucket every quantile of such a time read 60 s.
TEST(Metrics, EndToEndLatencyIsMeasuredUpToTwoHours) {
  worker_metrics m;
  m.end_to_end_latency.Observe(45 * 60);
  m.end_to_end_latency.Observe(90 * 60);
  EXPECT_TRUE(has_line(m, R"(broadsheet_end_to_end_latency_seconds_bucket{le="1800"} 0)"));
  EXPECT_TRUE(has_line(m, R"(broadsheet_end_to_end_latency_seconds_bucket{le="3600"} 1)"));
  EXPECT_TRUE(has_line(m, R"(broadsheet_end_to_end_latency_seconds_bucket{le="7200"} 2)"));
}

TEST(Metrics, CommitAndDeliveryFailuresAreCountedByErrorCode) {
  // given: a worker with no failure yet
  worker_metrics m;
  EXPECT_EQ(m.scrape().find("broadsheet_delivery_failures_total{"), std::string::npos);

  // when: two delivery reports time out, one is refused, and a commit races a rebalance
  m.delivery_failed("_MSG_TIMED_OUT");
  m.delivery_failed("_MSG_TIMED_OUT");
  m.delivery_failed("TOPIC_AUTHORIZATION_FAILED");
  m.commit_failed("REBALANCE_IN_PROGRESS");

  // then: one series per code
  EXPECT_TRUE(has_line(m, R"(broadsheet_delivery_failures_total{code="_MSG_TIMED_OUT"} 2)"));
  EXPECT_TRUE(has_line(m, R"(broadsheet_delivery_failures_total{code="TOPIC_AUTHORIZATION_FAILED"} 1)"));
  EXPECT_TRUE(has_line(m, R"(broadsheet_commit_failures_total{code="REBALANCE_IN_PROGRESS"} 1)"));
}

// The endpoint's stop is part of the worker's exit, which the shutdown deadline bounds: civetweb's
// listener looks at its stop flag only between waits of up to 2 s, unless a connection wakes it.
// Ten stops without the wake-up all within half a second: one chance in a million.
TEST(HttpEndpoint, StopsWithinHalfASecond) {
  worker_metrics metrics;
  for (int round = 0; round < 10; ++round) {
    std::optional<http_endpoint> endpoint;
    endpoint.emplace(metrics, http_endpoint::health{[] { return true; }, [] { return true; }}, "127.0.0.1",
                     free_port());
    ASSERT_TRUE(endpoint->running());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto begun = std::chrono::steady_clock::now();
    endpoint.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::milliseconds(500)) << "round " << round;
  }
}

}  // namespace
}  // namespace broadsheet::worker
