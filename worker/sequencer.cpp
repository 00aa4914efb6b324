#include "worker/sequencer.h"

#include <utility>

namespace broadsheet::worker {

void sequencer::relay::push(std::shared_ptr<page_job> job) {
  const std::lock_guard lock(mutex_);
  jobs_.push_back(std::move(job));
}

template <class Work>
void sequencer::relay::drain(Work&& work) {
  {
    const std::lock_guard lock(mutex_);
    if (busy_ || jobs_.empty()) return;
    busy_ = true;
  }
  std::deque<std::shared_ptr<page_job>> batch;
  for (;;) {
    {
      const std::lock_guard lock(mutex_);
      if (jobs_.empty()) {
        busy_ = false;
        return;
      }
      batch.swap(jobs_);
    }
    for (auto& job : batch) work(job);
    batch.clear();
  }
}

sequencer::sequencer(decide_step decide, publish_step publish)
    : decide_(std::move(decide)), publish_(std::move(publish)) {}

void sequencer::consumed(std::shared_ptr<page_job> job) {
  const std::lock_guard lock(lanes_mutex_);
  auto& lane = lanes_[job->partition];
  lane.push_back(std::move(job));
}

void sequencer::processed(const std::shared_ptr<page_job>& job) {
  {
    const std::lock_guard lock(lanes_mutex_);
    job->processed = true;
    auto& lane = lanes_[job->partition];
    while (!lane.empty() && lane.front()->processed) {
      undecided_.push(std::move(lane.front()));
      lane.pop_front();
    }
  }
  undecided_.drain([this](const std::shared_ptr<page_job>& j) {
    const std::lock_guard lock(decisions_mutex_);
    decide_(*j);
    decided_.push(j);
  });
  publish_decided();
}

void sequencer::decided_elsewhere(const std::function<std::shared_ptr<page_job>()>& decide) {
  {
    const std::lock_guard lock(decisions_mutex_);
    auto job = decide();
    if (!job) return;
    decided_.push(std::move(job));
  }
  publish_decided();
}

void sequencer::publish_decided() {
  decided_.drain([this](const std::shared_ptr<page_job>& j) { publish_(j); });
}

}  // namespace broadsheet::worker
