#include "worker/rebalance.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/fake_consumer_partitions.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"

namespace broadsheet::worker {
namespace {

using namespace std::chrono_literals;
using calls = std::vector<std::string>;

// A rebalance handler at 1,000 s of a fake clock, with a 3 s shutdown deadline, its steps written
// down with the time they were given, in seconds after 1,000 s.
struct fixture {
  explicit fixture(bool exactly_once) {
    handler.emplace(
        "pages.raw", exactly_once, stop, tracker, assigned, metrics, flow,
        revocation_steps{
            .drain =
                [this](const rd_kafka_topic_partition_list_t* partitions, shutdown_control::time_point until) {
                  steps.push_back(fmt::format("drain {} until {}", partitions->cnt, seconds_after_start(until)));
                  return drained;
                },
            .commit_offsets =
                [this](shutdown_control::time_point until) {
                  steps.push_back(fmt::format("commit until {}", seconds_after_start(until)));
                },
            .commit_transaction =
                [this](shutdown_control::time_point until) {
                  steps.push_back(fmt::format("commit transaction until {}", seconds_after_start(until)));
                },
            .abort_transaction = [this] { steps.emplace_back("abort transaction"); }});
  }

  static long seconds_after_start(shutdown_control::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t - start).count();
  }

  void assign(const std::vector<int>& partitions) {
    const auto list = testing::partitions_of("pages.raw", partitions);
    handler->on(consumer, RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, list.get());
  }
  void revoke(const std::vector<int>& partitions) {
    const auto list = testing::partitions_of("pages.raw", partitions);
    handler->on(consumer, RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS, list.get());
  }

  static inline const shutdown_control::time_point start{std::chrono::seconds(1000)};
  shutdown_control::time_point now = start;
  shutdown_control stop{3.0, [this] { return now; }};
  offset_tracker tracker;
  std::atomic<int> assigned{0};
  worker_metrics metrics;
  backpressure flow{1000};
  testing::fake_consumer_partitions consumer;
  std::vector<std::string> steps;
  bool drained = true;
  std::optional<rebalance_handler> handler;
};

TEST(rebalance, assigned_partitions_are_counted_and_resumed_or_paused_as_consumption_is) {
  fixture f(false);
  EXPECT_FALSE(f.handler->ever_assigned());

  f.assign({});
  EXPECT_FALSE(f.handler->ever_assigned()) << "an empty assignment";
  f.assign({0, 1});
  EXPECT_TRUE(f.handler->ever_assigned());
  EXPECT_EQ(f.assigned, 2);

  // consumption paused for backpressure: what is assigned then is paused too
  f.consumer.assigned = {0, 1};
  f.flow.apply(f.consumer, 5000);
  f.assign({2});

  EXPECT_EQ(f.assigned, 3);
  EXPECT_EQ(f.consumer.calls,
            (calls{"assign", "resume", "assign 0,1", "resume 0,1", "pause 0,1", "assign 2", "pause 2"}));
  EXPECT_EQ(f.metrics.rebalances.Value(), 3);
  EXPECT_TRUE(f.steps.empty());
}

TEST(rebalance, revoked_partitions_finish_their_pages_and_commit_then_forget_them) {
  // given pages in flight on partitions 0 and 1
  fixture f(false);
  f.assign({0, 1});
  f.tracker.begin(0, 10, 1);
  f.tracker.begin(1, 20, 1);

  // when partition 0 is revoked and its pages are not all delivered in time
  f.drained = false;
  f.revoke({0});

  // then it drained for the shutdown deadline (under 10 s), waited 5 s for the commit, and only
  // partition 0's pages are forgotten
  EXPECT_EQ(f.steps, (calls{"drain 1 until 3", "commit until 5"}));
  EXPECT_EQ(f.tracker.pending_pages(0), 0u);
  EXPECT_EQ(f.tracker.pending_pages(1), 1u);
  EXPECT_EQ(f.assigned, 1);
  EXPECT_EQ(f.consumer.calls.back(), "unassign 0");
}

TEST(rebalance, lost_partitions_are_forgotten_without_a_drain_or_a_commit) {
  fixture f(false);
  f.assign({0});
  f.tracker.begin(0, 10, 1);
  f.consumer.lost = true;

  f.revoke({0});

  EXPECT_TRUE(f.steps.empty());
  EXPECT_EQ(f.tracker.pending_pages(), 0u);
  EXPECT_EQ(f.consumer.calls.back(), "unassign 0");
}

TEST(rebalance, in_exactly_once_mode_revoked_partitions_commit_the_transaction_and_lost_ones_abort_it) {
  fixture f(true);
  f.assign({0, 1});

  f.revoke({0});
  f.consumer.lost = true;
  f.revoke({1});

  EXPECT_EQ(f.steps, (calls{"commit transaction until 3", "abort transaction"}));
  EXPECT_EQ(f.assigned, 0);
}

TEST(rebalance, the_consumers_close_after_the_shutdown_neither_drains_nor_commits_again) {
  for (const bool exactly_once : {false, true}) {
    fixture f(exactly_once);
    f.assign({0});
    f.tracker.begin(0, 10, 1);
    f.stop.request(f.now);
    f.stop.begin();

    f.revoke({0});

    EXPECT_TRUE(f.steps.empty()) << exactly_once;
    EXPECT_EQ(f.tracker.pending_pages(), 0u);
    EXPECT_EQ(f.consumer.calls.back(), "unassign 0");
  }
}

}  // namespace
}  // namespace broadsheet::worker
