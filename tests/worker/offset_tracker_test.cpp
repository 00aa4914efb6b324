#include "worker/offset_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace broadsheet::worker {
namespace {

TEST(OffsetTracker, CommitsOnlyTheAcknowledgedPrefix) {
  offset_tracker t;
  const auto epoch = t.begin(0, 10, 100);
  t.begin(0, 11, 100);
  t.begin(0, 15, 100);  // offsets need not be contiguous (compaction, transaction markers)
  t.finish(0, 11, epoch);
  EXPECT_TRUE(t.advance().empty()) << "10 is still in flight";
  t.finish(0, 10, epoch);
  const auto points = t.advance();
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].next_offset, 12);
  EXPECT_TRUE(t.advance().empty()) << "nothing new";
  EXPECT_EQ(t.pending_pages(), 1u);
  EXPECT_EQ(t.pending_bytes(), 100u);
  t.finish(0, 15, epoch);
  EXPECT_EQ(t.advance().at(0).next_offset, 16);
  EXPECT_EQ(t.pending_pages(), 0u);
}

TEST(OffsetTracker, PartitionsAreIndependent) {
  offset_tracker t;
  const auto e0 = t.begin(0, 0, 1);
  const auto e1 = t.begin(1, 0, 1);
  t.begin(1, 1, 1);
  t.finish(1, 1, e1);
  t.finish(0, 0, e0);
  const auto points = t.advance();
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].partition, 0);
  EXPECT_EQ(t.pending_pages(1), 2u);
}

TEST(OffsetTracker, ADroppedPartitionIgnoresLateAcknowledgements) {
  offset_tracker t;
  const auto old_epoch = t.begin(3, 7, 10);
  t.drop(3);  // lost
  EXPECT_EQ(t.pending_pages(), 0u);
  EXPECT_EQ(t.pending_bytes(), 0u);
  const auto new_epoch = t.begin(3, 7, 10);  // assigned again, the same page consumed again
  EXPECT_NE(old_epoch, new_epoch);
  t.finish(3, 7, old_epoch);  // the first consumption's delivery arrives late
  EXPECT_TRUE(t.advance().empty()) << "must not acknowledge the second consumption";
  t.finish(3, 7, new_epoch);
  EXPECT_EQ(t.advance().at(0).next_offset, 8);
}

TEST(OffsetTracker, NeverPassesAPageInFlightWhateverTheAcknowledgementOrder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    offset_tracker t;
    std::vector<std::int64_t> offsets(40);
    for (std::size_t i = 0; i < offsets.size(); ++i) offsets[i] = static_cast<std::int64_t>(i) * 2;
    std::uint64_t epoch = 0;
    for (const auto o : offsets) epoch = t.begin(0, o, 1);
    auto order = offsets;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<bool> done(offsets.size());
    std::int64_t committed = 0;
    for (const auto o : order) {
      t.finish(0, o, epoch);
      done[static_cast<std::size_t>(o / 2)] = true;
      for (const auto& p : t.advance()) {
        EXPECT_GT(p.next_offset, committed);
        committed = p.next_offset;
      }
      // Every page below the committed offset is done.
      for (std::int64_t x = 0; x < committed; x += 2) ASSERT_TRUE(done[static_cast<std::size_t>(x / 2)]);
    }
    EXPECT_EQ(committed, offsets.back() + 1);
  }
}

}  // namespace
}  // namespace broadsheet::worker
