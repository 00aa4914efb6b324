#pragma once
// Which offsets may be committed: per partition, the pages consumed and not yet acknowledged, in
// consumption order. A page is acknowledged when every record it produced (articles, corrections,
// signatures, dead letter) has a successful delivery report. The committable offset of a
// partition is one past the last page of its acknowledged prefix, so a commit never passes a page
// still in flight, whatever order the acknowledgements arrive in. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace broadsheet::worker {

class offset_tracker {
 public:
  // A page consumed; offsets of one partition must be begun in increasing order. Returns the
  // partition's epoch, which finish() must be given back.
  std::uint64_t begin(std::int32_t partition, std::int64_t offset, std::size_t bytes);
  // Its records are all acknowledged. Pages of an earlier epoch (their partition was dropped,
  // and perhaps assigned again since) are ignored.
  void finish(std::int32_t partition, std::int64_t offset, std::uint64_t epoch);

  struct commit_point {
    std::int32_t partition;
    std::int64_t next_offset;  // the offset to commit: one past the acknowledged prefix
  };
  // For every partition whose acknowledged prefix grew since the last call: where to commit.
  [[nodiscard]] std::vector<commit_point> advance();

  // Forgets a partition's pages (revoked after draining, or lost) and starts a new epoch.
  void drop(std::int32_t partition);

  [[nodiscard]] std::size_t pending_pages(std::int32_t partition) const;
  [[nodiscard]] std::size_t pending_pages() const;
  [[nodiscard]] std::size_t pending_bytes() const;

 private:
  struct page {
    std::size_t bytes = 0;
    bool done = false;
  };
  mutable std::mutex mutex_;
  struct lane {
    std::uint64_t epoch = 0;
    std::map<std::int64_t, page> pages;
  };
  std::unordered_map<std::int32_t, lane> partitions_;
  std::size_t pages_ = 0, bytes_ = 0;
};

}  // namespace broadsheet::worker
