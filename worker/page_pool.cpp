#include "worker/page_pool.h"

#include <utility>

namespace broadsheet::worker {

page_pool::page_pool(unsigned threads, const std::function<work()>& make_work) {
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this, make_work] {
      const work w = make_work();
      for (;;) {
        std::shared_ptr<page_job> job;
        {
          std::unique_lock lock(mutex_);
          wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
          if (queue_.empty()) return;
          job = std::move(queue_.front());
          queue_.pop_front();
        }
        w(job);
      }
    });
  }
}

page_pool::~page_pool() { stop(true); }

void page_pool::push(std::shared_ptr<page_job> job) {
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

std::size_t page_pool::queued() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void page_pool::stop(bool drop_queued) {
  {
    const std::lock_guard lock(mutex_);
    closing_ = true;
    if (drop_queued) queue_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace broadsheet::worker
