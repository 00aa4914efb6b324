#include "worker/metrics.h"

#include <gtest/gtest.h>

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

TEST(Metrics, MalformedStatisticsChangeNothing) {
  worker_metrics m;
  m.consumer_statistics(statistics({{3, 9, true}}));
  m.consumer_statistics("{not json");
  m.consumer_statistics(R"({"topics":7})");
  EXPECT_TRUE(has_lag(m, 3, 9));
}

}  // namespace
}  // namespace broadsheet::worker
