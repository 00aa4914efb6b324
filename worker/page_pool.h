#pragma once
// The pipeline's threads: pages handed over by the poll loop, taken in the order they were handed
// over by whichever thread is free. Each thread does its work with state of its own (a page
// processor and a signer are not thread-safe), made on the thread when it starts.
//
// Lifecycle: threads start on construction and end at stop() (or the destructor). push(),
// queued() and stop() may be called from any thread but a pool thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "worker/page_job.h"

namespace broadsheet::worker {

class page_pool {
 public:
  // What a thread does with each page it takes.
  using work = std::function<void(const std::shared_ptr<page_job>&)>;

  // threads threads, each calling make_work() once, on itself, for its work.
  page_pool(unsigned threads, const std::function<work()>& make_work);
  ~page_pool();
  page_pool(const page_pool&) = delete;
  page_pool& operator=(const page_pool&) = delete;

  void push(std::shared_ptr<page_job> job);
  [[nodiscard]] std::size_t queued() const;

  // Joins the threads once they have worked through what is queued; with drop_queued, the pages
  // not yet begun are dropped instead.
  void stop(bool drop_queued);

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<page_job>> queue_;
  bool closing_ = false;
  std::vector<std::thread> threads_;  // last: started once the members above are made
};

}  // namespace broadsheet::worker
