#include "worker/group_lag.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

TEST(GroupLag, EndLessTheCommittedOffsetOrTheLowWatermark) {
  // given: partition 0 committed at 7 of 10; 1 never committed (starts at its low watermark 4);
  // 2 empty; 3 committed past a truncated end (never negative)
  const std::vector<watermarks> marks = {{0, 10}, {4, 12}, {0, 0}, {0, 5}};
  const std::vector<std::int64_t> committed = {7, -1001, -1001, 6};
  // then
  EXPECT_EQ(group_lag(marks, committed), (std::vector<std::int64_t>{3, 8, 0, 0}));
  // A committed list shorter than the partitions: the rest committed nothing.
  EXPECT_EQ(group_lag(marks, {10}), (std::vector<std::int64_t>{0, 8, 0, 5}));
}

}  // namespace
}  // namespace broadsheet::worker
