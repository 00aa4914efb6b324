#include "worker/page_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

std::shared_ptr<page_job> page(std::int64_t offset) {
  auto job = std::make_shared<page_job>();
  job->offset = offset;
  return job;
}

TEST(page_pool, works_every_page_once_each_thread_with_work_of_its_own) {
  // given four threads, each counting what its own work was given
  std::mutex mutex;
  std::vector<std::shared_ptr<std::vector<std::int64_t>>> per_thread;
  page_pool pool(4, [&] {
    auto mine = std::make_shared<std::vector<std::int64_t>>();
    {
      const std::lock_guard lock(mutex);
      per_thread.push_back(mine);
    }
    return [mine](const std::shared_ptr<page_job>& job) { mine->push_back(job->offset); };
  });

  // when pages are pushed and the pool stops without dropping any
  for (std::int64_t offset = 0; offset < 300; ++offset) pool.push(page(offset));
  pool.stop(false);

  // then every page was worked exactly once, by one of four works
  EXPECT_EQ(per_thread.size(), 4u);
  std::vector<std::int64_t> all;
  for (const auto& mine : per_thread) all.insert(all.end(), mine->begin(), mine->end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 300u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<std::int64_t>(i));
}

TEST(page_pool, takes_pages_in_the_order_they_were_pushed) {
  std::vector<std::int64_t> order;
  page_pool pool(1, [&] { return [&](const std::shared_ptr<page_job>& job) { order.push_back(job->offset); }; });
  for (std::int64_t offset = 0; offset < 100; ++offset) pool.push(page(offset));
  pool.stop(false);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(order.size(), 100u);
}

TEST(page_pool, stopping_with_drop_queued_drops_the_pages_not_yet_begun) {
  // given one thread held on its first page, and more pages queued behind it
  std::atomic<bool> held{true};
  std::atomic<int> worked{0};
  page_pool pool(1, [&] {
    return [&](const std::shared_ptr<page_job>&) {
      ++worked;
      while (held) std::this_thread::yield();
    };
  });
  for (std::int64_t offset = 0; offset < 10; ++offset) pool.push(page(offset));
  while (worked == 0) std::this_thread::yield();

  // when the pool stops, dropping what is queued, and the first page then ends
  std::thread stopping([&] { pool.stop(true); });
  while (pool.queued() != 0) std::this_thread::yield();
  held = false;
  stopping.join();

  // then only the page begun was worked
  EXPECT_EQ(worked, 1);
}

}  // namespace
}  // namespace broadsheet::worker
