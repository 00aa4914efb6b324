#pragma once
// Near-duplicate decisions for a stream of articles, and the articles to republish when a
// decision changes later.
//
// article_decider wraps a dedup_index: it decides articles in place and returns the changed
// decisions of earlier ones. article_cache holds the JSON of the articles this process
// published, bounded in bytes: a correction republishes the whole record, so only an article
// still held can be corrected here (the others are counted in
// broadsheet_corrections_missed_total; the worker that wrote them, or a replay of their page,
// corrects them). A correction rewrites only the decision in the held JSON. (With the articles
// themselves held, a dozen allocations each, the e2e bench used 45 ms more CPU per 3,000 pages
// than with no cache; with their JSON, about 26 ms.) The worker decides under its sequencer's
// lock and keeps the cache on its publishing side. Neither class is thread-safe.

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/article_json.h"
#include "pipeline/dedup.h"

namespace broadsheet::pipeline {

class article_decider {
 public:
  explicit article_decider(const dedup_options& options);

  // Decides a page's articles in place (records[i] is the signature of articles[i]) and returns
  // the earlier articles whose state changed (revision already + 1), in order.
  std::vector<dedup_correction> decide(std::vector<article>& articles, const std::vector<signature_record>& records);

  // A signature learned from elsewhere (another worker, or the topic at start): indexes it and
  // returns the articles whose state changed.
  std::vector<dedup_correction> learn(const signature_record& record);

  // Room for an index about to be filled with this many signatures (see dedup_index::reserve).
  void reserve(std::size_t articles) { index_.reserve(articles); }

  [[nodiscard]] dedup_stats index_stats() const { return index_.stats(); }

 private:
  dedup_index index_;
};

// A published article as the cache holds it: its JSON, shared with the record's delivery until
// librdkafka is done with it, and its page (a header of the record).
struct published_article {
  std::string page_id;
  std::shared_ptr<const article_json> json;
};

class article_cache {
 public:
  explicit article_cache(std::size_t limit_bytes) : limit_(limit_bytes) {}

  // Holds a published article (its latest state), dropping the oldest beyond the limit.
  void remember(const std::string& article_id, published_article a);

  // The held article with the correction's decision (and held so), or nothing when it is not held.
  std::optional<published_article> correct(const dedup_correction& c);

 private:
  std::size_t limit_;
  std::size_t bytes_ = 0;
  std::unordered_map<std::string, published_article> held_;
  std::deque<std::pair<std::string, std::size_t>> order_;  // ids and their sizes as counted, oldest first
};

// Sets an article's revision and decision to the verdict's.
void apply_decision(article& a, const dedup_verdict& v);

// Days since 1970-01-01 of a page's event time: edition_date, else fetched_at, else the record
// timestamp (milliseconds, 0 when there is none).
[[nodiscard]] std::int32_t page_event_day(const std::optional<std::string>& edition_date,
                                          const std::optional<std::string>& fetched_at, std::int64_t timestamp_ms);

}  // namespace broadsheet::pipeline
