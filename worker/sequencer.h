#pragma once
// The order pages are decided and published in: within a partition, the order they were consumed
// in (offset order), whatever order the pool finishes them in; across partitions, one order, the
// same for deciding and for publishing. One queue, not one per partition: every record of an
// article_id (the article, then its corrections, which may come from other partitions' pages or
// from other workers' signatures) is then produced in the order it was decided.
//
// A processed page and the processed pages after it in its partition's lane go, in offset order,
// to be decided (under the lanes' mutex, held only for that). One thread at a time decides them
// in order, under the decisions' mutex; one thread at a time publishes the decided in order,
// outside both mutexes (writing decisions into the articles' JSON, made on the pool, and copying
// records into librdkafka are most of publishing), while the other threads return. (Deciding
// under the lanes' mutex kept the other pool threads and the dispatching poll loop waiting: in
// the e2e bench 126 ms per four runs of 3,000 pages.)
//
// Calls go one way: the sequencer calls its decide and publish steps, on the thread that handed
// it a page, and nothing else. Thread-safe; the steps must not call back into it.

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "worker/page_job.h"

namespace broadsheet::worker {

class sequencer {
 public:
  // A page's decisions, made under the decisions' mutex, one page at a time, in order.
  using decide_step = std::function<void(page_job&)>;
  // A decided page's records to produce, one page at a time, in the order of the decisions.
  using publish_step = std::function<void(const std::shared_ptr<page_job>&)>;

  sequencer(decide_step decide, publish_step publish);

  // A page consumed (the poll loop, in offset order per partition): it waits behind the pages of
  // its partition consumed before it.
  void consumed(std::shared_ptr<page_job> job);

  // A page processed (a pool thread): it and the processed pages after it in its partition are
  // decided, then everything decided is published, unless other threads are at it (they take
  // these too).
  void processed(const std::shared_ptr<page_job>& job);

  // Decisions made outside the pages' order (another worker's signature learned): decide() runs
  // under the decisions' mutex, and the job it returns, unless null, is published after the pages
  // decided before it, with everything else decided, as processed() does.
  void decided_elsewhere(const std::function<std::shared_ptr<page_job>()>& decide);

  // f() under the decisions' mutex, for other users of the state decisions change (its
  // statistics, room made for a restore).
  template <class F>
  decltype(auto) with_decisions(F&& f) {
    const std::lock_guard lock(decisions_mutex_);
    return f();
  }

 private:
  // Pages handed from any thread to whichever thread is working through them, in the order they
  // were handed over: one thread at a time takes everything queued, batch after batch, until the
  // queue is empty; the others return at once.
  class relay {
   public:
    void push(std::shared_ptr<page_job> job);
    // Runs work(job) on every page queued, in order, unless another thread is at it (that thread
    // takes what was just queued).
    template <class Work>
    void drain(Work&& work);

   private:
    std::mutex mutex_;
    std::deque<std::shared_ptr<page_job>> jobs_;
    bool busy_ = false;
  };

  void publish_decided();

  const decide_step decide_;
  const publish_step publish_;
  std::mutex lanes_mutex_;
  // Per partition, the pages consumed and not yet sent on to be decided, in offset order.
  std::unordered_map<std::int32_t, std::deque<std::shared_ptr<page_job>>> lanes_;
  relay undecided_;  // processed, in lane order; appended to under lanes_mutex_
  std::mutex decisions_mutex_;
  relay decided_;  // to publish, in order; appended to under decisions_mutex_
};

}  // namespace broadsheet::worker
