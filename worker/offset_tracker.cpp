#include "worker/offset_tracker.h"

namespace broadsheet::worker {

std::uint64_t offset_tracker::begin(std::int32_t partition, std::int64_t offset, std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  auto& l = partitions_[partition];
  if (l.pages.emplace(offset, page{bytes, false}).second) {
    ++pages_;
    bytes_ += bytes;
  }
  return l.epoch;
}

void offset_tracker::finish(std::int32_t partition, std::int64_t offset, std::uint64_t epoch) {
  const std::lock_guard lock(mutex_);
  const auto p = partitions_.find(partition);
  if (p == partitions_.end() || p->second.epoch != epoch) return;
  const auto it = p->second.pages.find(offset);
  if (it != p->second.pages.end()) it->second.done = true;
}

std::vector<offset_tracker::commit_point> offset_tracker::advance() {
  const std::lock_guard lock(mutex_);
  std::vector<commit_point> points;
  for (auto& [partition, l] : partitions_) {
    auto& pages = l.pages;
    std::optional<std::int64_t> next;
    while (!pages.empty() && pages.begin()->second.done) {
      next = pages.begin()->first + 1;
      bytes_ -= pages.begin()->second.bytes;
      --pages_;
      pages.erase(pages.begin());
    }
    if (next) points.push_back({partition, *next});
  }
  return points;
}

void offset_tracker::drop(std::int32_t partition) {
  const std::lock_guard lock(mutex_);
  const auto p = partitions_.find(partition);
  if (p == partitions_.end()) return;
  for (const auto& [offset, pg] : p->second.pages) {
    bytes_ -= pg.bytes;
    --pages_;
  }
  p->second.pages.clear();
  ++p->second.epoch;
}

std::size_t offset_tracker::pending_pages(std::int32_t partition) const {
  const std::lock_guard lock(mutex_);
  const auto p = partitions_.find(partition);
  return p == partitions_.end() ? 0 : p->second.pages.size();
}

std::size_t offset_tracker::pending_pages() const {
  const std::lock_guard lock(mutex_);
  return pages_;
}

std::size_t offset_tracker::pending_bytes() const {
  const std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace broadsheet::worker
