#include "worker/backpressure.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/fake_consumer_partitions.h"

namespace broadsheet::worker {
namespace {

using calls = std::vector<std::string>;

TEST(backpressure, pauses_over_the_limit_and_resumes_only_under_half_of_it) {
  // given a consumer of partitions 0 and 1, and a limit of 1,000 bytes in flight
  testing::fake_consumer_partitions consumer;
  consumer.assigned = {0, 1};
  backpressure flow(1000);

  // when the bytes in flight rise over the limit, fall to between half and the limit, then under half
  flow.apply(consumer, 1000);
  EXPECT_FALSE(flow.paused()) << "at the limit, not over it";
  flow.apply(consumer, 1001);
  EXPECT_TRUE(flow.paused());
  flow.apply(consumer, 2000);
  flow.apply(consumer, 500);
  EXPECT_TRUE(flow.paused()) << "half is not under half";
  flow.apply(consumer, 499);

  // then one pause and one resume, of every assigned partition
  EXPECT_FALSE(flow.paused());
  EXPECT_EQ(consumer.calls, (calls{"pause 0,1", "resume 0,1"}));
}

TEST(backpressure, nothing_changes_while_the_assignment_cannot_be_read) {
  testing::fake_consumer_partitions consumer;
  consumer.assigned = {3};
  consumer.assignment_readable = false;
  backpressure flow(100);

  flow.apply(consumer, 200);
  EXPECT_FALSE(flow.paused());
  EXPECT_TRUE(consumer.calls.empty());

  consumer.assignment_readable = true;  // the next turn tries again
  flow.apply(consumer, 200);
  EXPECT_TRUE(flow.paused());
  EXPECT_EQ(consumer.calls, (calls{"pause 3"}));
}

}  // namespace
}  // namespace broadsheet::worker
