#pragma once
// Near-duplicate decisions for a stream of articles, and the articles whose decision changes
// later. Wraps a dedup_index with a bounded cache of the articles this process wrote: a
// correction republishes the whole record, so only an article still in the cache can be
// corrected here (corrections of articles not held are counted in `missed`; the worker that
// wrote them, or a replay of their page, corrects them). Not thread-safe.

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/dedup.h"

namespace broadsheet::worker {

class article_decider {
 public:
  article_decider(const pipeline::dedup_options& options, std::size_t cache_bytes);

  // Decides a page's articles in place (records[i] is the signature of articles[i]), remembers
  // them, and returns the earlier articles held whose state changed (revision already + 1).
  std::vector<pipeline::article> decide(std::vector<pipeline::article>& articles,
                                        const std::vector<pipeline::signature_record>& records);

  // A signature learned from elsewhere (another worker, or the topic at start): indexes it and
  // returns the articles held whose state changed.
  std::vector<pipeline::article> learn(const pipeline::signature_record& record);

  struct counts {
    std::size_t exact = 0, near = 0, corrections = 0, missed = 0;
  };
  [[nodiscard]] const counts& totals() const noexcept { return counts_; }
  [[nodiscard]] pipeline::dedup_stats index_stats() const { return index_.stats(); }

 private:
  void corrected(const std::vector<pipeline::dedup_correction>& corrections, std::vector<pipeline::article>& out);
  void remember(const pipeline::article& a);

  pipeline::dedup_index index_;
  std::size_t cache_limit_;
  std::size_t cache_bytes_ = 0;
  std::unordered_map<std::string, pipeline::article> cache_;
  std::deque<std::string> cache_order_;  // oldest first
  counts counts_;
};

// Days since 1970-01-01 of a page's event time: edition_date, else fetched_at, else the record
// timestamp (milliseconds, 0 when there is none).
[[nodiscard]] std::int32_t page_event_day(const std::optional<std::string>& edition_date,
                                          const std::optional<std::string>& fetched_at, std::int64_t timestamp_ms);

}  // namespace broadsheet::worker
