#include "worker/metrics.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

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

TEST(Metrics, MalformedStatisticsChangeNothing) {
  worker_metrics m;
  m.consumer_statistics(statistics({{3, 9, true}}));
  m.consumer_statistics("{not json");
  m.consumer_statistics(R"({"topics":7})");
  EXPECT_TRUE(has_lag(m, 3, 9));
}

}  // namespace
}  // namespace broadsheet::worker
