#include "worker/sequencer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

std::shared_ptr<page_job> page(std::int32_t partition, std::int64_t offset) {
  auto job = std::make_shared<page_job>();
  job->partition = partition;
  job->offset = offset;
  return job;
}

// A sequencer whose steps write down what they were given, in order.
struct recording_sequencer {
  std::mutex mutex;
  std::vector<std::pair<std::int32_t, std::int64_t>> decided, published;
  sequencer sequence{[this](page_job& job) {
                       const std::lock_guard lock(mutex);
                       decided.emplace_back(job.partition, job.offset);
                     },
                     [this](const std::shared_ptr<page_job>& job) {
                       const std::lock_guard lock(mutex);
                       published.emplace_back(job->partition, job->offset);
                     }};
};

// Offsets of each partition, in the order they appear.
std::map<std::int32_t, std::vector<std::int64_t>> by_partition(
    const std::vector<std::pair<std::int32_t, std::int64_t>>& pages) {
  std::map<std::int32_t, std::vector<std::int64_t>> out;
  for (const auto& [partition, offset] : pages) out[partition].push_back(offset);
  return out;
}

TEST(sequencer, a_page_waits_for_the_pages_of_its_partition_consumed_before_it) {
  // given
  recording_sequencer s;
  const auto first = page(0, 10), second = page(0, 11);
  s.sequence.consumed(first);
  s.sequence.consumed(second);

  // when the later page is processed first
  s.sequence.processed(second);

  // then nothing goes on until the earlier one is processed, and both go in offset order
  EXPECT_TRUE(s.decided.empty());
  EXPECT_TRUE(s.published.empty());
  s.sequence.processed(first);
  const std::vector<std::pair<std::int32_t, std::int64_t>> in_order{{0, 10}, {0, 11}};
  EXPECT_EQ(s.decided, in_order);
  EXPECT_EQ(s.published, in_order);
}

TEST(sequencer, a_partition_is_not_held_up_by_another) {
  recording_sequencer s;
  const auto slow = page(0, 5), fast = page(1, 7);
  s.sequence.consumed(slow);
  s.sequence.consumed(fast);
  s.sequence.processed(fast);
  EXPECT_EQ(s.published, (std::vector<std::pair<std::int32_t, std::int64_t>>{{1, 7}}));
}

TEST(sequencer, publishes_in_offset_order_per_partition_whatever_order_pages_are_processed_in) {
  std::mt19937 rng(14);
  for (int round = 0; round < 20; ++round) {
    // given pages of three partitions, consumed interleaved
    recording_sequencer s;
    std::vector<std::shared_ptr<page_job>> pages;
    for (std::int64_t offset = 0; offset < 30; ++offset)
      for (std::int32_t partition = 0; partition < 3; ++partition) pages.push_back(page(partition, offset * 3));
    for (const auto& p : pages) s.sequence.consumed(p);

    // when the pool finishes them in any order
    auto order = pages;
    std::shuffle(order.begin(), order.end(), rng);
    for (const auto& p : order) s.sequence.processed(p);

    // then each partition's pages are decided and published in offset order, all of them, and
    // published in the order they were decided
    ASSERT_EQ(s.published.size(), pages.size());
    for (const auto& [partition, offsets] : by_partition(s.published))
      EXPECT_TRUE(std::is_sorted(offsets.begin(), offsets.end())) << "partition " << partition;
    EXPECT_EQ(s.published, s.decided);
  }
}

TEST(sequencer, pages_processed_on_many_threads_are_decided_and_published_one_at_a_time_in_order) {
  // given steps that notice when two threads are in them at once
  std::atomic<int> deciding{0}, publishing{0};
  std::atomic<bool> overlapped{false};
  std::mutex mutex;
  std::vector<std::pair<std::int32_t, std::int64_t>> decided, published;
  sequencer sequence(
      [&](page_job& job) {
        if (deciding.fetch_add(1) != 0) overlapped = true;
        decided.emplace_back(job.partition, job.offset);  // one decision at a time: no lock needed
        std::this_thread::yield();
        deciding.fetch_sub(1);
      },
      [&](const std::shared_ptr<page_job>& job) {
        if (publishing.fetch_add(1) != 0) overlapped = true;
        {
          const std::lock_guard lock(mutex);
          published.emplace_back(job->partition, job->offset);
        }
        std::this_thread::yield();
        publishing.fetch_sub(1);
      });
  std::vector<std::shared_ptr<page_job>> pages;
  for (std::int64_t offset = 0; offset < 500; ++offset)
    pages.push_back(page(static_cast<std::int32_t>(offset % 4), offset));
  for (const auto& p : pages) sequence.consumed(p);

  // when four pool threads process them, each a share in its own order
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::vector<std::shared_ptr<page_job>> share;
      for (std::size_t i = t; i < pages.size(); i += 4) share.push_back(pages[i]);
      std::shuffle(share.begin(), share.end(), rng);
      for (const auto& p : share) sequence.processed(p);
    });
  }
  for (auto& t : pool) t.join();

  // then
  EXPECT_FALSE(overlapped);
  ASSERT_EQ(published.size(), pages.size());
  EXPECT_EQ(published, decided);
  for (const auto& [partition, offsets] : by_partition(published))
    EXPECT_TRUE(std::is_sorted(offsets.begin(), offsets.end())) << "partition " << partition;
}

TEST(sequencer, a_decision_made_elsewhere_is_published_after_the_pages_decided_before_it) {
  // given a page decided and published
  recording_sequencer s;
  const auto p = page(2, 40);
  s.sequence.consumed(p);
  s.sequence.processed(p);

  // when another worker's signature brings corrections, then brings none
  s.sequence.decided_elsewhere([] {
    auto learned = page(-1, -1);
    learned->learned = true;
    return learned;
  });
  s.sequence.decided_elsewhere([] { return std::shared_ptr<page_job>(); });

  // then the corrections follow the page, and nothing is published for no corrections
  EXPECT_EQ(s.published, (std::vector<std::pair<std::int32_t, std::int64_t>>{{2, 40}, {-1, -1}}));
}

}  // namespace
}  // namespace broadsheet::worker
